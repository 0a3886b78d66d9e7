// Decoding `rule` blocks (prometheus.relabel, discovery.relabel, write_relabel_config).

import type { CapsuleValue } from '../../../language/eval/value.js';
import { type CompiledRules, type RelabelAction, type RelabelRuleInput, RelabelConfigError, compileRules } from '../protocols/relabel.js';
import { type Args, ArgumentError } from './decode.js';

export const RELABEL_RULES_TYPE = 'RelabelRules';

/** Reads and compiles the `rule` blocks (or `blockName` blocks) of `args`. Throws ArgumentError. */
export function decodeRules(args: Args, blockName = 'rule'): CompiledRules {
    return compile(ruleInputs(args, blockName), blockName);
}

function ruleInputs(args: Args, blockName: string): RelabelRuleInput[] {
    return args.blocks(blockName).map((b) => {
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
}

function compile(inputs: RelabelRuleInput[], blockName: string): CompiledRules {
    try {
        return compileRules(inputs);
    } catch (e) {
        if (e instanceof RelabelConfigError) throw new ArgumentError(`${blockName}[${e.ruleIndex}]: ${e.message.replace(/^rule\[\d+\]: /, '')}`);
        throw e;
    }
}

/**
 * The rules of a relabel component and its `rules` export. Re-evaluating a
 * component with the same rules keeps the same capsule, so its dependants do
 * not see a change and are not evaluated again (in a chain of relabel
 * components, a new capsule per evaluation would ripple up the whole chain).
 */
export class RulesExport {
    private signature?: string;
    private current?: { rules: CompiledRules; capsule: CapsuleValue };

    /** Decodes the `blockName` blocks of `args`; the same rules as last time give the same objects. */
    decode(args: Args, blockName = 'rule'): { rules: CompiledRules; capsule: CapsuleValue } {
        const inputs = ruleInputs(args, blockName);
        const signature = JSON.stringify(inputs);
        if (this.current && signature === this.signature) return this.current;
        const rules = compile(inputs, blockName);
        this.signature = signature;
        this.current = { rules, capsule: { kind: 'capsule', type: RELABEL_RULES_TYPE, payload: rules } };
        return this.current;
    }
}
