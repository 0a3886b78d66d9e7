// discovery.relabel: rewrites target label sets with `rule` blocks; exports the
// result as `output` and the compiled rules as `rules`.

import type { Value } from '../../../../language/eval/value.js';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition } from '../../component.js';
import { applyRulesToRecord } from '../../protocols/relabel.js';
import { Args, RULE_ATTRIBUTES, attr, block, schema } from '../decode.js';
import { RulesExport } from '../relabel-rules.js';

const SCHEMA = schema(
    [attr('targets', 'list(map(string))', true)],
    [block('rule', false, RULE_ATTRIBUTES)],
    [
        { name: 'output', type: 'list(map(string))' },
        { name: 'rules', type: 'RelabelRules' },
    ],
);

/** Converts target records to an Alloy list(map(string)) value. */
export function targetsValue(targets: readonly Readonly<Record<string, string>>[]): Value {
    return {
        kind: 'array',
        items: targets.map((t) => ({
            kind: 'object',
            fields: new Map(Object.keys(t).sort().map((k) => [k, { kind: 'string', value: t[k] } as Value])),
        })),
    };
}

class DiscoveryRelabel implements Component {
    private readonly rulesExport = new RulesExport();

    constructor(private readonly ctx: ComponentContext) {}

    update(body: ArgumentBody): void {
        const args = Args.of('discovery.relabel', SCHEMA, body);
        const targets = args.targets('targets') ?? [];
        const { rules, capsule } = this.rulesExport.decode(args);
        const output: Record<string, string>[] = [];
        for (const t of targets) {
            const out = applyRulesToRecord(t, rules);
            if (out !== undefined && Object.keys(out).length > 0) output.push(out);
        }
        this.ctx.countIn(targets.length);
        this.ctx.countOut(output.length);
        this.ctx.setExports({ output: targetsValue(output), rules: capsule });
        this.ctx.setHealth('healthy', `${output.length} of ${targets.length} target(s) kept`);
    }

    async stop(): Promise<void> {}
}

export const discoveryRelabel: ComponentDefinition = {
    name: 'discovery.relabel',
    schema: SCHEMA,
    create: (ctx) => new DiscoveryRelabel(ctx),
};
