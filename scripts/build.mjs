// Bundles each process of flowlens with esbuild: the VS Code client, the
// language server, the CLI and the runtime worker (one CommonJS file each, like
// vscode-eslint).
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

const contexts = await Promise.all(targets.map((t) => esbuild.context({ ...common, ...t })));
if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('flowlens: watching for changes');
} else {
    await Promise.all(contexts.map((c) => c.rebuild()));
    await Promise.all(contexts.map((c) => c.dispose()));
}
