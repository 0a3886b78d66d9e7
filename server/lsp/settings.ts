// The `flowlens.*` settings of VS Code as analysis options. The client sends
// the whole `flowlens` section; unknown or invalid values fall back to defaults.

import path from 'node:path';
import { DefaultConfigurationProvider } from 'langium';
import { type AnalysisOptions, COMPAT_TARGETS, type Compat, DEFAULT_OPTIONS } from '../../language/analysis/options.js';
import type { Stability } from '../../language/catalog/schema.js';

export const SETTINGS_SECTION = 'flowlens';

export interface FlowlensSettings {
    compat?: string;
    stabilityLevel?: string;
    communityComponents?: boolean;
    dialect?: string;
    env?: Record<string, unknown>;
    pathMappings?: Record<string, unknown>;
    docsPath?: unknown;
}

/** `flowlens.docsPath`: a local copy of Alloy's docs (docs/sources), absolute or under `${workspaceFolder}`. */
export function docsPathOf(raw: unknown, workspaceFolder?: string): string | undefined {
    const value = (raw && typeof raw === 'object' ? (raw as FlowlensSettings).docsPath : undefined) ?? undefined;
    if (typeof value !== 'string' || value === '') return undefined;
    const resolved = workspaceFolder ? value.replaceAll('${workspaceFolder}', workspaceFolder) : value;
    return path.isAbsolute(resolved) ? resolved : undefined;
}

const LEVELS = ['experimental', 'public-preview', 'generally-available'];

/** `workspaceFolder` replaces `${workspaceFolder}` in path mappings. */
export function settingsToOptions(raw: unknown, workspaceFolder?: string): AnalysisOptions {
    const s = (raw && typeof raw === 'object' ? raw : {}) as FlowlensSettings;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.env ?? {})) if (typeof v === 'string') env[k] = v;
    const pathMappings = Object.entries(s.pathMappings ?? {}).flatMap(([from, to]) => {
        if (typeof to !== 'string' || !path.isAbsolute(from)) return [];
        const target = workspaceFolder ? to.replaceAll('${workspaceFolder}', workspaceFolder) : to;
        return path.isAbsolute(target) ? [{ from, to: target }] : [];
    });
    return {
        ...DEFAULT_OPTIONS,
        compat: COMPAT_TARGETS.includes(s.compat as Compat) ? (s.compat as Compat) : 'alloy',
        // Alloy's defaults: generally-available, community components disabled.
        stabilityLevel: LEVELS.includes(s.stabilityLevel ?? '') ? (s.stabilityLevel as Stability) : 'generally-available',
        communityComponents: s.communityComponents === true,
        dialect: s.dialect === 'alloy' || s.dialect === 'river' ? s.dialect : undefined,
        env,
        pathMappings,
    };
}

/** Langium asks for settings per language id; flowlens keeps all of them under `flowlens`. */
export class FlowlensConfigurationProvider extends DefaultConfigurationProvider {
    protected override toSectionName(): string {
        return SETTINGS_SECTION;
    }
}
