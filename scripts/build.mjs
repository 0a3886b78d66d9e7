// Bundles each process of flowlens with esbuild: the VS Code client, the
// language server, the CLI (with `run` in a bundle of its own) and the runtime worker (one CommonJS file each, like
// vscode-eslint), plus the runtime panel's browser code (out/webview/panel.js + .css).
import * as esbuild from 'esbuild';
import fs from 'node:fs';

// The component catalogs are large: as JSON.parse of a string they compile and load several
// times faster than the same data as an object literal (what esbuild makes of a .json import).
const jsonAsString = {
    name: 'json-as-string',
    setup(build) {
        build.onLoad({ filter: /[\\/]catalog[\\/]generated[\\/][^\\/]+\.json$/ }, async (args) => ({
            contents: `module.exports = JSON.parse(${JSON.stringify(await fs.promises.readFile(args.path, 'utf8'))});`,
            loader: 'js',
        }));
    },
};

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
    plugins: [jsonAsString],
    // ESM dependencies (fdir, under tinyglobby) read import.meta.url, which a CommonJS bundle lacks:
    // give them the bundle's own file URL.
    define: { 'import.meta.url': '__bundleFileUrl' },
    banner: { js: "const __bundleFileUrl = require('node:url').pathToFileURL(__filename).href;" },
};

const targets = [
    { entryPoints: ['client/extension.ts'], outfile: 'out/client.cjs' },
    { entryPoints: ['server/main.ts'], outfile: 'out/server.cjs' },
    { entryPoints: ['server/cli/main.ts'], outfile: 'out/cli.cjs' },
    // `flowlens run` only: check and fmt must not load the runtime and its dependencies.
    { entryPoints: ['server/cli/run-command.ts'], outfile: 'out/cli-run.cjs' },
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
