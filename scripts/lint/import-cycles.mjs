// Fails when modules import each other in a cycle (type-only imports included: a cycle of types
// still ties two layers together). Resolution is TypeScript's own, from tsconfig.json, so
// `./x.js` specifiers find `./x.ts`. Prints each cycle as a chain of project-relative paths.
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..', '..');
const configPath = path.join(root, 'tsconfig.json');
const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
const files = config.fileNames.concat(ts.sys.readDirectory(path.join(root, 'client', 'webview'), ['.ts'])).map((f) => path.resolve(f));
const inProject = new Set(files);

/** Every project file a module imports or re-exports, statically or through import(). */
function importsOf(file) {
    const info = ts.preProcessFile(ts.sys.readFile(file), true, true);
    const out = new Set();
    for (const ref of info.importedFiles) {
        const resolved = ts.resolveModuleName(ref.fileName, file, config.options, ts.sys).resolvedModule;
        const target = resolved && path.resolve(resolved.resolvedFileName);
        if (target && inProject.has(target)) out.add(target);
    }
    return [...out];
}

const graph = new Map(files.map((f) => [f, importsOf(f)]));

// Tarjan's strongly connected components, iteratively (no recursion limit on long chains).
let index = 0;
const order = new Map(), low = new Map(), onStack = new Set(), stack = [], cycles = [];
for (const start of files) {
    if (order.has(start)) continue;
    const work = [[start, 0]];
    order.set(start, index); low.set(start, index++); stack.push(start); onStack.add(start);
    while (work.length) {
        const frame = work[work.length - 1];
        const [node, i] = frame;
        const next = graph.get(node)[i];
        if (next !== undefined) {
            frame[1]++;
            if (!order.has(next)) {
                order.set(next, index); low.set(next, index++); stack.push(next); onStack.add(next);
                work.push([next, 0]);
            } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), order.get(next)));
            continue;
        }
        work.pop();
        if (work.length) { const parent = work[work.length - 1][0]; low.set(parent, Math.min(low.get(parent), low.get(node))); }
        if (low.get(node) === order.get(node)) {
            const scc = [];
            let m;
            do { m = stack.pop(); onStack.delete(m); scc.push(m); } while (m !== node);
            if (scc.length > 1) cycles.push(scc);
        }
    }
}

const rel = (f) => path.relative(root, f);
for (const scc of cycles) console.error(`import cycle: ${scc.map(rel).sort().join(' ↔ ')}`);
if (cycles.length) {
    console.error(`${cycles.length} import cycle(s) among ${files.length} modules`);
    process.exit(1);
}
console.log(`no import cycles among ${files.length} modules`);
