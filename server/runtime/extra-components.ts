// TEST ONLY: loads extra component definitions into the CLI (`flowlens run`)
// and the JSON-RPC worker, so tests can run configurations with their own
// components in a child process.
//
//   FLOWLENS_RUNTIME_EXTRA_COMPONENTS=/abs/path/components.cjs[:/another.cjs]
//
// Each module (CommonJS or ESM, already compiled to JavaScript) exports
// `definitions` (or a default export) with an array of ComponentDefinition.
// The runtime tests bundle test/runtime/test-components.ts with esbuild for
// this. Not meant for users: definitions loaded this way run with the full
// rights of the process.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ComponentDefinition } from './component.js';

export const EXTRA_COMPONENTS_ENV = 'FLOWLENS_RUNTIME_EXTRA_COMPONENTS';

export async function loadExtraComponents(value: string | undefined = process.env[EXTRA_COMPONENTS_ENV]): Promise<ComponentDefinition[]> {
    if (!value) return [];
    const out: ComponentDefinition[] = [];
    for (const file of value.split(path.delimiter).filter(Boolean)) {
        const mod = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
        const defs = mod.definitions ?? (mod.default as Record<string, unknown> | undefined)?.definitions ?? mod.default;
        if (!Array.isArray(defs)) throw new Error(`${file} (from ${EXTRA_COMPONENTS_ENV}) exports no array of component definitions`);
        out.push(...(defs as ComponentDefinition[]));
    }
    return out;
}
