// Decoding `rule` blocks (prometheus.relabel, discovery.relabel, write_relabel_config).

import type { CapsuleValue } from '../../../language/eval/value.js';
import { type CompiledRules, type RelabelAction, type RelabelRuleInput, RelabelConfigError, compileRules } from '../protocols/relabel.js';
import { type Args, ArgumentError } from './decode.js';

export const RELABEL_RULES_TYPE = 'RelabelRules';

/** Reads and compiles the `rule` blocks (or `blockName` blocks) of `args`. Throws ArgumentError. */
export function decodeRules(args: Args, blockName = 'rule'): CompiledRules {
    const inputs: RelabelRuleInput[] = args.blocks(blockName).map((b) => {
        const input: RelabelRuleInput = {};
        const sourceLabels = b.stringList('source_labels');
        if (sourceLabels !== undefined) input.sourceLabels = sourceLabels;
        const separator = b.string('separator');
        if (separator !== undefined) input.separator = separator;
        const regex = b.string('regex');
        if (regex !== undefined) input.regex = regex;
        if (b.has('modulus')) input.modulus = b.int('modulus', 0, 0);
        const target = b.string('target_label');
        if (target !== undefined) input.targetLabel = target;
        const replacement = b.string('replacement');
        if (replacement !== undefined) input.replacement = replacement;
        const action = b.string('action');
        if (action !== undefined) input.action = action.toLowerCase() as RelabelAction;
        return input;
    });
    try {
        return compileRules(inputs);
    } catch (e) {
        if (e instanceof RelabelConfigError) throw new ArgumentError(`${blockName}[${e.ruleIndex}]: ${e.message.replace(/^rule\[\d+\]: /, '')}`);
        throw e;
    }
}

/** The `rules` export: a RelabelRules capsule carrying the compiled rules. */
export function rulesCapsule(rules: CompiledRules): CapsuleValue {
    return { kind: 'capsule', type: RELABEL_RULES_TYPE, payload: rules };
}
