// Values as Alloy syntax on one line, for hovers and messages:
// `{ a = 1, "b.c" = [true, null] }`. Object keys are sorted as Alloy prints
// them; numbers print as Alloy prints them (integers in decimal, floats in
// the shortest decimal notation without exponent).

import { goQuote, isValidIdentifier } from '../syntax/chars.js';
import { compareGoStrings, numberToString } from './go-format.js';
import type { Value } from './value.js';

type Task = string | Value;

/**
 * Renders a value as one line of Alloy syntax. With `maxLength`, output
 * longer than that is cut after `maxLength` characters and ends with `…`.
 * Iterative, so deeply nested values (from JSON, say) cannot overflow the stack.
 */
export function printValue(v: Value, maxLength?: number): string {
    const limit = maxLength !== undefined && maxLength >= 0 ? maxLength : Infinity;
    let out = '';
    const stack: Task[] = [v];
    while (stack.length > 0) {
        if (out.length > limit) break;
        const task = stack.pop()!;
        if (typeof task === 'string') {
            out += task;
            continue;
        }
        switch (task.kind) {
            case 'null': out += 'null'; break;
            case 'bool': out += task.value ? 'true' : 'false'; break;
            case 'number': out += numberToString(task); break;
            case 'string': out += goQuote(task.value); break;
            case 'secret': out += '(secret)'; break;
            case 'capsule': out += `capsule(${goQuote(task.type)})`; break;
            case 'function': out += 'function'; break;
            case 'unknown': out += task.type ? `(unknown ${task.type})` : '(unknown)'; break;
            case 'array': {
                if (task.items.length === 0) {
                    out += '[]';
                    break;
                }
                out += '[';
                stack.push(']');
                for (let i = task.items.length - 1; i >= 0; i--) {
                    stack.push(task.items[i]);
                    if (i > 0) stack.push(', ');
                }
                break;
            }
            case 'object': {
                if (task.fields.size === 0) {
                    out += '{}';
                    break;
                }
                const keys = [...task.fields.keys()].sort(compareGoStrings);
                out += '{ ';
                stack.push(' }');
                for (let i = keys.length - 1; i >= 0; i--) {
                    stack.push(task.fields.get(keys[i])!);
                    stack.push(printKey(keys[i]) + ' = ');
                    if (i > 0) stack.push(', ');
                }
                break;
            }
        }
    }
    if (out.length > limit) {
        let cut = limit;
        // Do not split a surrogate pair.
        if (cut > 0 && cut < out.length) {
            const c = out.charCodeAt(cut - 1);
            if (c >= 0xd800 && c <= 0xdbff) cut--;
        }
        return out.slice(0, cut) + '…';
    }
    return out;
}

/** An object key as Alloy writes it: bare when it is an identifier, quoted otherwise. */
export function printKey(key: string): string {
    return isValidIdentifier(key) ? key : goQuote(key);
}
