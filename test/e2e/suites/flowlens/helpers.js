// Shared helpers of the flowlens e2e tests (plain CommonJS, loaded by Mocha in the extension host).
const vscode = require('vscode');

const EXTENSION_ID = 'flowlens.flowlens';

async function waitFor(fn, what, ms = 45000) {
  const start = Date.now();
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function workspaceFile(relative) {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, relative);
}

async function activate() {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
  await ext.activate();
  return ext;
}

/** The position of the first occurrence of `needle` in a document, plus `delta` characters. */
function positionOf(document, needle, delta = 0) {
  const offset = document.getText().indexOf(needle);
  if (offset < 0) throw new Error(`"${needle}" not found in ${document.uri.fsPath}`);
  return document.positionAt(offset + delta);
}

module.exports = { EXTENSION_ID, waitFor, workspaceFile, activate, positionOf };
