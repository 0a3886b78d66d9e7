// The flowlens.* runtime commands. Each returns its outcome (RunResult, PauseEvent, StopSummary,
// or undefined after showing an error), so tests can drive them with executeCommand.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { commands, type Disposable, env, type LogOutputChannel, Uri, window, workspace } from 'vscode';
import type { PauseEvent, RunResult, StopSummary } from '../protocol/runtime.js';
import { LANGUAGE_ID } from './language-client.js';
import type { RuntimePanelHost } from './panel/runtime-panel.js';
import { pauseGraceSeconds, runOptionsFromSettings } from './runtime/run-options.js';
import { toRuntimeError } from './runtime/runtime-errors.js';
import type { RuntimeSession } from './runtime/runtime-session.js';
import type { PanelCommand } from './webview/messages.js';

export const COMMANDS = {
    run: 'flowlens.runPipeline',
    stop: 'flowlens.stopPipeline',
    pause: 'flowlens.pausePipeline',
    resume: 'flowlens.resumePipeline',
    showPanel: 'flowlens.showRuntimePanel',
    openMetrics: 'flowlens.openMetricsEndpoint',
    /** Not in the palette: for tests. The session's snapshot plus the metrics URL. */
    snapshot: 'flowlens.internal.runtimeSnapshot',
    /** Not in the palette: for tests. The panel's latest update timings. */
    panelTimings: 'flowlens.internal.panelTimings',
} as const;

export interface CommandDeps {
    readonly session: RuntimeSession;
    readonly panel: RuntimePanelHost;
    readonly output: LogOutputChannel;
    /** out/runtime.cjs */
    readonly workerPath: string;
    /** Where the default spans file goes. */
    readonly storageDir: string;
}

/**
 * What to run: a CodeLens passes the document URI as a string, menus pass a Uri; from the palette
 * or the panel, the active Alloy editor, else the configuration that ran last.
 */
function targetUri(arg: unknown, lastRun: string | undefined): Uri | undefined {
    if (arg instanceof Uri) return arg;
    if (typeof arg === 'string' && arg) return /^[a-z][\w+.-]+:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? Uri.parse(arg) : Uri.file(arg);
    const document = window.activeTextEditor?.document;
    if (document?.languageId === LANGUAGE_ID) return document.uri;
    return lastRun === undefined ? undefined : Uri.file(lastRun);
}

export function registerRuntimeCommands(deps: CommandDeps): Disposable[] {
    const { session, output } = deps;
    const lastRun = () => session.model.status.target;

    /** Logs and shows an error; never waits for the notification (commands must resolve for their callers). */
    function showError(message: string): void {
        output.error(message);
        void window.showErrorMessage(message, 'Show Output').then((choice) => choice && output.show(true));
    }

    /** Shows a failed command's error; refusals carry the runtime's list of diagnostics. */
    function report(action: string, e: unknown): undefined {
        const error = toRuntimeError(e);
        if (error.kind === 'refused') showError(`flowlens refused the configuration: ${error.message}`);
        else if (error.kind === 'notRunning') void window.showInformationMessage('flowlens: no pipeline is running.');
        else showError(`flowlens: ${action} failed: ${error.message}`);
        return undefined;
    }

    async function run(arg?: unknown): Promise<RunResult | undefined> {
        const uri = targetUri(arg, lastRun());
        if (!uri) {
            void window.showInformationMessage('flowlens: open an .alloy or .river file to run it.');
            return undefined;
        }
        if (uri.scheme !== 'file') {
            showError(`flowlens runs configurations saved on disk; ${uri.toString()} is not a file.`);
            return undefined;
        }
        if (!workspace.isTrusted) {
            void window
                .showErrorMessage('flowlens does not run pipelines in an untrusted workspace.', 'Manage Workspace Trust')
                .then((choice) => choice && commands.executeCommand('workbench.trust.manage'));
            return undefined;
        }
        if (!fs.existsSync(deps.workerPath)) {
            showError(`flowlens: the runtime bundle ${deps.workerPath} is missing; build the extension (npm run build).`);
            return undefined;
        }
        // The runtime reads the file from disk: save what the editor has first.
        const open = workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        if (open?.isDirty) await open.save();
        const target = uri.fsPath;
        const settings = workspace.getConfiguration('flowlens', uri);
        await fs.promises.mkdir(deps.storageDir, { recursive: true });
        const options = runOptionsFromSettings((key) => settings.get(key), {
            target,
            workspaceFolder: workspace.getWorkspaceFolder(uri)?.uri.fsPath,
            storageDir: deps.storageDir,
        });
        deps.panel.show(true);
        try {
            const result = await session.run(target, options);
            output.info(
                `running ${path.basename(target)}: ${result.components.length} components` +
                    `${result.metricsUrl ? `, /metrics at ${result.metricsUrl}` : ''}, spans to ${options.spansFile}`,
            );
            return result;
        } catch (e) {
            return report('running the pipeline', e);
        }
    }

    async function pause(): Promise<PauseEvent | undefined> {
        try {
            const last = lastRun();
            const grace = pauseGraceSeconds((key) => workspace.getConfiguration('flowlens', last === undefined ? undefined : Uri.file(last)).get(key));
            return await session.pause(grace);
        } catch (e) {
            return report('pausing', e);
        }
    }

    async function resume(): Promise<PauseEvent | undefined> {
        try {
            return await session.resume();
        } catch (e) {
            return report('resuming', e);
        }
    }

    async function stop(): Promise<StopSummary | undefined> {
        try {
            return await session.stop();
        } catch (e) {
            return report('stopping', e);
        }
    }

    async function openMetrics(): Promise<boolean> {
        const url = session.model.metricsUrl;
        if (!url || !session.model.status.metricsAvailable) {
            void window.showInformationMessage('flowlens: no /metrics endpoint is being served (run a pipeline; see flowlens.runtime.metricsAddress).');
            return false;
        }
        // In a remote or web window the runtime's 127.0.0.1 is the remote host's: let VS Code forward it.
        const external = await env.asExternalUri(Uri.parse(url));
        return env.openExternal(external);
    }

    return [
        commands.registerCommand(COMMANDS.run, run),
        commands.registerCommand(COMMANDS.stop, stop),
        commands.registerCommand(COMMANDS.pause, pause),
        commands.registerCommand(COMMANDS.resume, resume),
        commands.registerCommand(COMMANDS.showPanel, () => deps.panel.show()),
        commands.registerCommand(COMMANDS.openMetrics, openMetrics),
        commands.registerCommand(COMMANDS.snapshot, () => ({ ...session.model.snapshot(), metricsUrl: session.model.metricsUrl })),
        commands.registerCommand(COMMANDS.panelTimings, () => deps.panel.timings),
    ];
}

/** The command behind each of the panel's buttons. */
export const PANEL_COMMAND_IDS: Record<PanelCommand, string> = {
    run: COMMANDS.run,
    pause: COMMANDS.pause,
    resume: COMMANDS.resume,
    stop: COMMANDS.stop,
    openMetrics: COMMANDS.openMetrics,
};
