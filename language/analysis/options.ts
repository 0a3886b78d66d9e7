// What an analysis can be told: the target Alloy or Agent version, the
// stability level, the environment `sys.env` reads, and overrides for tests.

import type { ComponentSchema, Dialect, Stability } from '../catalog/schema.js';

/**
 * Which runtime the configuration is meant for. Grafana Agent Flow v0.38 and
 * v0.39 keyed their shared work queue by local component ID, so equal local IDs
 * in different modules dropped each other's updates (fixed in v0.40).
 */
export type Compat = 'alloy' | 'agent-0.38' | 'agent-0.39' | 'agent-0.40';

export const COMPAT_TARGETS: readonly Compat[] = ['alloy', 'agent-0.38', 'agent-0.39', 'agent-0.40'];

export interface AnalysisOptions {
    /** Force a dialect for every file (default: `.river` files are Agent Flow, others Alloy). */
    readonly dialect?: Dialect;
    readonly compat: Compat;
    /**
     * Alloy's --stability.level. Unset means "do not gate": flowlens then accepts
     * experimental features, like `alloy validate` in its default test mode.
     */
    readonly stabilityLevel?: Stability;
    /**
     * Alloy's --feature.community-components.enabled. Unset means "do not gate"
     * (flowlens cannot know the flags a configuration runs with); false reports
     * community components as Alloy would refuse them.
     */
    readonly communityComponents?: boolean;
    /** The environment `sys.env` / `env` read; never the editor's or the CLI's own environment. */
    readonly env: Readonly<Record<string, string>>;
    /**
     * Absolute path prefixes that stand for other directories when module files
     * are loaded (`/etc/alloy` → a checkout's `alloy/`): a configuration written
     * for a server then resolves its modules in the workspace.
     */
    readonly pathMappings?: readonly PathMapping[];
    /** Extra built-in components (tests register Alloy's test components this way). */
    readonly extraComponents?: readonly ComponentSchema[];
}

export const DEFAULT_OPTIONS: AnalysisOptions = {
    compat: 'alloy',
    env: {},
};

export interface PathMapping {
    readonly from: string;
    readonly to: string;
}

/** `target` with the first mapping whose `from` is a whole-segment prefix of it applied. */
export function mapPath(target: string, mappings: readonly PathMapping[] = []): string {
    for (const { from, to } of mappings) {
        const prefix = from.replace(/\/+$/, '');
        if (target === prefix || target.startsWith(prefix + '/')) return to.replace(/\/+$/, '') + target.slice(prefix.length);
    }
    return target;
}
