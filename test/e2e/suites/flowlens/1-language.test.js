// Language features through the real VS Code API: diagnostics of nested modules that
// collide, their quick fix, formatting, completion and hover.
const assert = require('assert');
const vscode = require('vscode');
const { activate, positionOf, waitFor, workspaceFile } = require('./helpers');

const collisions = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'export-key-collision');

describe('flowlens language features', function () {
  before(async () => {
    await activate();
  });

  it('reports the collisions of nested modules (compat agent-0.39 → warnings)', async () => {
    const main = workspaceFile('flow/main.river');
    await vscode.window.showTextDocument(main);
    const found = await waitFor(() => collisions(main).length && collisions(main), 'export-key-collision on main.river');
    assert.strictEqual(found[0].severity, vscode.DiagnosticSeverity.Warning);
    assert.match(found[0].message, /^local\.file\.consumer reads export "output" from 2 modules \(module\.file\.a, module\.file\.b\)/);
    const moduleA = workspaceFile('flow/a.river');
    const key = await waitFor(() => vscode.languages.getDiagnostics(moduleA).find((d) => d.code === 'key-collision'), 'key-collision on a.river');
    assert.match(key.message, /module\.file\.a\/export\.output, module\.file\.b\/export\.output/);
  });

  it('applies the quick fix: the export and its consumer are renamed and the diagnostic disappears', async () => {
    const main = workspaceFile('flow/main.river');
    const [diagnostic] = collisions(main);
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', main, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Rename export "output" of module.file.b to "output_b"');
    assert.ok(fix, `quick fix offered; got ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await waitFor(() => collisions(main).length === 0, 'the export-key collision to disappear');
    const moduleB = await vscode.workspace.openTextDocument(workspaceFile('flow/b.river'));
    assert.strictEqual(moduleB.getText(), 'export "output_b" {\n\tvalue = "/b"\n}\n');
    const mainDoc = await vscode.workspace.openTextDocument(main);
    assert.match(mainDoc.getText(), /module\.file\.a\.exports\.output \+ module\.file\.b\.exports\.output_b/);
    assert.deepStrictEqual(vscode.languages.getDiagnostics(main).filter((d) => d.severity === vscode.DiagnosticSeverity.Error), []);
  });

  it('formats a document exactly like alloy fmt', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('format/messy.alloy'));
    await vscode.window.showTextDocument(doc);
    const edits = await waitFor(() => vscode.commands.executeCommand('vscode.executeFormatDocumentProvider', doc.uri, { tabSize: 4, insertSpaces: false }), 'formatting edits');
    const edit = new vscode.WorkspaceEdit();
    edit.set(doc.uri, edits);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.strictEqual(doc.getText(), 'logging {\n\tlevel  = "info"\n\tformat = "logfmt"\n}\n\nlocal.file "a" {\n\tfilename = "/tmp/a"\n}\n');
  });

  it('completes component names by namespace and the attributes of a block', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('lang/main.alloy'));
    const editor = await vscode.window.showTextDocument(doc);
    const end = doc.positionAt(doc.getText().length);
    await editor.edit((b) => b.insert(end, '\nprometheus.'));
    const at = doc.positionAt(doc.getText().length);
    const list = await waitFor(async () => {
      const items = (await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, at)).items;
      return items.some((i) => (i.label.label ?? i.label) === 'prometheus.scrape') && items;
    }, 'prometheus.scrape in the completion list');
    const labels = list.map((i) => i.label.label ?? i.label);
    assert.ok(labels.includes('prometheus.remote_write'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    const inBlock = positionOf(doc, 'filename = string.format');
    const attributes = (await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, inBlock)).items.map((i) => i.label.label ?? i.label);
    assert.ok(attributes.includes('poll_frequency'), attributes.join(', '));
  });

  it('hovers with global IDs and statically known values', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('lang/main.alloy'));
    const hoverText = async (position) =>
      (await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, position)).flatMap((h) => h.contents.map((c) => c.value ?? String(c))).join('\n');
    const onExport = await waitFor(async () => {
      const text = await hoverText(positionOf(doc, 'double.one.out', 12));
      return text.includes('value: `42`') && text;
    }, 'a hover with the value of double.one.out');
    assert.match(onExport, /double\.one\.out/);
    const onArgument = await hoverText(positionOf(doc, 'export "out"', 1));
    assert.match(onArgument, /double\.one\/export\.out/);
  });
});
