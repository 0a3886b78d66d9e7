// The result of analyzing one configuration, apart from analyze.ts so that the modules
// analyze.ts calls can name it without importing their caller.

import type { Diagnostic } from '../diagnostic.js';
import type { LoadedConfiguration } from '../model/loader.js';
import type { Evaluator } from './evaluator.js';
import type { InstanceTree } from './instances.js';
import type { ModuleInfo } from './semantic-model.js';

export interface Analysis {
    readonly configuration: LoadedConfiguration;
    readonly modules: ReadonlyMap<LoadedConfiguration['root'], ModuleInfo>;
    readonly instances: InstanceTree;
    readonly diagnostics: readonly Diagnostic[];
    readonly evaluator: Evaluator;
}
