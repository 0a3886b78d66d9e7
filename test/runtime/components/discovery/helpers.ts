// Reading a discovery component's `targets` export in tests.
import type { TestContext } from '../harness.js';

export function exportedTargets(ctx: TestContext): Record<string, string>[] {
    const v = ctx.exports?.targets;
    if (v?.kind !== 'array') return [];
    return v.items.map((item) => (item.kind === 'object' ? Object.fromEntries([...item.fields].map(([k, f]) => [k, f.kind === 'string' ? f.value : ''])) : {}));
}
