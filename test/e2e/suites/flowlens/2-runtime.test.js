// The runtime through the extension's commands: Run pipeline → metrics flow,
// Save → reload, Pause → Paused, Stop → the spans file holds every span.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { activate, waitFor, workspaceFile } = require('./helpers');

const outDir = process.env.E2E_OUT_DIR || fs.mkdtempSync(path.join(require('os').tmpdir(), 'flowlens-e2e-'));
const spansFile = path.join(outDir, 'spans.jsonl');

function samplesReceived(metricsText) {
  const m = /flowlens_component_samples_in_total\{[^}]*component_id="prometheus\.relabel\.received"[^}]*\} (\d+)/.exec(metricsText);
  return m ? Number(m[1]) : 0;
}

describe('flowlens runtime', function () {
  let run;

  before(async () => {
    await activate();
    fs.rmSync(spansFile, { force: true });
    await vscode.workspace.getConfiguration('flowlens').update('runtime.spansFile', spansFile, vscode.ConfigurationTarget.Workspace);
  });

  it('runs the pipeline and metrics flow', async () => {
    const uri = workspaceFile('pipeline/pipeline.alloy');
    await vscode.window.showTextDocument(uri);
    run = await vscode.commands.executeCommand('flowlens.runPipeline', uri.toString());
    assert.ok(run && run.metricsUrl, `Run pipeline returned ${JSON.stringify(run)}`);
    assert.ok(run.components.some((c) => c.globalId === 'prometheus.remote_write.loopback'));
    await waitFor(async () => samplesReceived(await (await fetch(run.metricsUrl)).text()) > 0, 'samples to go round the loop');
  });

  it('reloads the running pipeline when its file is saved', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('pipeline/pipeline.alloy'));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, document.positionAt(document.getText().length), '\nprometheus.relabel "added_on_save" {\n\tforward_to = []\n}\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await document.save(), 'the document was saved');
    await waitFor(async () => {
      const snapshot = await vscode.commands.executeCommand('flowlens.internal.runtimeSnapshot');
      return snapshot.status.state === 'running' && snapshot.components.some((c) => c.globalId === 'prometheus.relabel.added_on_save');
    }, 'the added component in the running pipeline');
  });

  it('pauses: Running → Pausing → Paused', async () => {
    const paused = await vscode.commands.executeCommand('flowlens.pausePipeline');
    assert.strictEqual(paused.state, 'paused');
    assert.strictEqual(typeof paused.drainedOnPause, 'boolean');
  });

  it('resumes and stops; the spans file holds every span', async () => {
    const resumed = await vscode.commands.executeCommand('flowlens.resumePipeline');
    assert.strictEqual(resumed.state, 'running');
    const summary = await vscode.commands.executeCommand('flowlens.stopPipeline');
    assert.ok(summary, 'Stop returned a summary');
    assert.strictEqual(summary.spansDropped, 0);
    const spans = fs
      .readFileSync(spansFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
    assert.ok(spans.length > 0, 'spans were written');
    assert.strictEqual(spans.length, summary.spansExported);
  });
});
