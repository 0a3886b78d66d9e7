// Bundles each process of flowlens with esbuild: the VS Code client, the
// language server, the CLI and the runtime worker (one CommonJS file each, like
// vscode-eslint), plus the runtime panel's browser code (out/webview/panel.js + .css).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    external: ['vscode'],
};

const targets = [
    { entryPoints: ['client/extension.ts'], outfile: 'out/client.cjs' },
    { entryPoints: ['server/main.ts'], outfile: 'out/server.cjs' },
    { entryPoints: ['server/cli/main.ts'], outfile: 'out/cli.cjs' },
    { entryPoints: ['server/runtime/worker.ts'], outfile: 'out/runtime.cjs' },
];

// The runtime panel runs in a webview: a browser script (IIFE, loaded with a CSP nonce) and
// the CSS it imports (its own, uPlot's), both served from out/webview.
const webview = {
    entryPoints: { panel: 'client/webview/main.ts' },
    outdir: 'out/webview',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
};

const contexts = await Promise.all([...targets.map((t) => esbuild.context({ ...common, ...t })), esbuild.context(webview)]);
if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('flowlens: watching for changes');
} else {
    await Promise.all(contexts.map((c) => c.rebuild()));
    await Promise.all(contexts.map((c) => c.dispose()));
}
