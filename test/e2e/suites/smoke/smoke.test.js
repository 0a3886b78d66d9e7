// Runs inside the real VS Code extension host (code-server 1.139, Node 24) with the real `vscode` API.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

const EXT_ID = 'flowlens-e2e.e2e-smoke';

async function waitFor(fn, what, ms = 20000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const wsFile = (name) => vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, name);

describe('e2e smoke extension', function () {
  it('opens the fixture workspace folder', () => {
    const folders = vscode.workspace.workspaceFolders || [];
    assert.strictEqual(folders.length, 1, 'exactly one workspace folder');
    assert.strictEqual(path.basename(folders[0].uri.fsPath), 'smoke-workspace');
    assert.strictEqual(folders[0].uri.scheme, 'file');
  });

  it('flags the TODO line in notes.txt with a diagnostic', async () => {
    const uri = wsFile('notes.txt');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diags = await waitFor(() => { const d = vscode.languages.getDiagnostics(uri); return d.length && d; }, 'TODO diagnostic');
    assert.deepStrictEqual(
      diags.map((d) => [d.message, d.range.start.line, d.range.start.character, d.severity, d.source]),
      [['e2e-smoke: found TODO', 1, 2, vscode.DiagnosticSeverity.Error, 'e2e-smoke']],
    );
  });

  it('reports no diagnostic for clean.txt', async () => {
    const uri = wsFile('clean.txt');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual(vscode.languages.getDiagnostics(uri), []);
  });

  it('executes a command contributed by the extension', async () => {
    const ext = vscode.extensions.getExtension(EXT_ID);
    assert.ok(ext, `${EXT_ID} is loaded as the extension under development`);
    assert.ok(ext.isActive, 'extension is active');
    assert.strictEqual(await vscode.commands.executeCommand('e2eSmoke.countTodos'), 1);
    assert.strictEqual(ext.exports.message, 'e2e-smoke: found TODO');
  });

  it('sees extensionTestsEnv variables and can read a file the extension writes', async () => {
    assert.ok(process.env.SMOKE_REPORT_FILE, 'SMOKE_REPORT_FILE reached the extension host');
    const file = await vscode.commands.executeCommand('e2eSmoke.writeReport');
    assert.strictEqual(file, process.env.SMOKE_REPORT_FILE);
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.strictEqual(report.todos, 1);
    assert.deepStrictEqual(report.files, [{ file: 'notes.txt', lines: [1] }]);
    assert.match(report.node, /^v24\./, 'extension host runs on Node 24');
  });

  it('clears the diagnostic when the TODO is edited away (and reverts)', async () => {
    const uri = wsFile('notes.txt');
    const editor = await vscode.window.showTextDocument(uri);
    await editor.edit((b) => b.replace(new vscode.Range(1, 2, 1, 6), 'DONE'));
    await waitFor(() => vscode.languages.getDiagnostics(uri).length === 0, 'diagnostics to clear');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor(() => vscode.languages.getDiagnostics(uri).length === 1, 'diagnostic to come back after revert');
  });

  it('deliberate failure switch (SMOKE_FORCE_FAIL=1) is off', () => {
    // Used to prove that a failing assertion propagates to a non-zero exit code.
    assert.strictEqual(process.env.SMOKE_FORCE_FAIL || '0', '0', 'SMOKE_FORCE_FAIL is set, failing on purpose');
  });
});
