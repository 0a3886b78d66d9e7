// Lays the Go-derived schemas over the docs-derived catalog: Go decides names, kinds
// (attribute or block), types, required flags, stability and (literal) defaults; the docs
// add the page link and defaults the Go source computes rather than writes. Every fact
// where the two disagree is counted and listed, Go's value winning.

import type { AttributeSchema, BlockSchema, ComponentSchema } from '../../../language/catalog/schema.js';
import type { GoSchema } from './components.js';
import { parseGoDuration, parseModelDuration } from '../../../language/values/go-duration.js';

export interface Disagreement {
    readonly component: string;
    /** `endpoint > queue_config > capacity`. */
    readonly path: string;
    readonly fact: 'name' | 'kind' | 'type' | 'required' | 'default' | 'stability' | 'label' | 'component';
    readonly docs: string;
    readonly go: string;
}

interface Body {
    readonly attributes: readonly AttributeSchema[];
    readonly blocks: readonly BlockSchema[];
}

export function mergeComponent(go: GoSchema, docs: ComponentSchema | undefined, docsUrl: string, out: Disagreement[]): ComponentSchema {
    const name = go.name;
    if (docs) {
        if (docs.stability !== go.stability && !go.community) out.push({ component: name, path: '', fact: 'stability', docs: docs.stability, go: go.stability });
        if (docs.label !== go.label) out.push({ component: name, path: '', fact: 'label', docs: docs.label, go: go.label });
    } else out.push({ component: name, path: '', fact: 'component', docs: '(no page)', go: name });
    const body = mergeBody(name, [], go, docs, out);
    const exports = go.exports.map((e) => {
        const d = docs?.exports.find((x) => x.name === e.name);
        return d && (normalizeType(d.type) === normalizeType(e.type) || normalizeType(e.type) === 'any') ? { ...e, type: d.type } : e;
    });
    if (docs) {
        for (const e of docs.exports) {
            const g = go.exports.find((x) => x.name === e.name);
            if (!g) out.push({ component: name, path: e.name, fact: 'name', docs: `export ${e.name}`, go: '(none)' });
        }
        for (const e of go.exports) if (!docs.exports.some((x) => x.name === e.name)) out.push({ component: name, path: e.name, fact: 'name', docs: '(none)', go: `export ${e.name}` });
    }
    return { ...go, docs: docs?.docs ?? docsUrl, attributes: body.attributes, blocks: body.blocks, exports };
}

function mergeBody(component: string, path: readonly string[], go: Body, docs: Body | undefined, out: Disagreement[]): { attributes: AttributeSchema[]; blocks: BlockSchema[] } {
    const at = (name: string) => [...path, name].join(' > ');
    const attributes = go.attributes.map((fromGo) => {
        let g = fromGo;
        const d = docs?.attributes.find((a) => a.name === g.name);
        if (!d) {
            if (docs?.blocks.some((b) => b.name === g.name)) out.push({ component, path: at(g.name), fact: 'kind', docs: 'block', go: 'attribute' });
            else if (docs) out.push({ component, path: at(g.name), fact: 'name', docs: '(none)', go: g.name });
            return g;
        }
        if (d.required !== g.required) out.push({ component, path: at(g.name), fact: 'required', docs: String(d.required), go: String(g.required) });
        const [dt, gt] = [normalizeType(d.type), normalizeType(g.type)];
        if (dt !== 'any' && gt !== 'any' && dt !== gt) out.push({ component, path: at(g.name), fact: 'type', docs: d.type, go: g.type });
        // Where both name the same type, the docs' spelling (`list(otelcol.Consumer)`, `int`) is
        // what users read on the page, so hover shows it; the fact is Go's either way.
        // Where Go's type is opaque (a type from outside the tree), the docs' is the better guess.
        if ((dt === gt || /\bany\b/.test(gt) && !/\bany\b/.test(dt)) && d.type !== g.type) g = { ...g, type: d.type };
        if (g.default === undefined) return d.default !== undefined ? { ...g, default: d.default } : g;
        if (d.default !== undefined && normalizeDefault(d.default) !== normalizeDefault(g.default)) {
            out.push({ component, path: at(g.name), fact: 'default', docs: d.default, go: g.default });
        }
        return g;
    });
    const blocks = go.blocks.map((g) => {
        const d = docs?.blocks.find((b) => b.name === g.name);
        if (!d) {
            if (docs?.attributes.some((a) => a.name === g.name)) out.push({ component, path: at(g.name), fact: 'kind', docs: 'attribute', go: 'block' });
            else if (docs) out.push({ component, path: at(g.name), fact: 'name', docs: '(none)', go: g.name });
            return g;
        }
        if (d.required !== g.required) out.push({ component, path: at(g.name), fact: 'required', docs: String(d.required), go: String(g.required) });
        if (g.freeform || g.blocksFrom) return g;
        return { ...g, ...mergeBody(component, [...path, g.name], g, d, out) };
    });
    for (const d of docs?.attributes ?? []) {
        if (!go.attributes.some((a) => a.name === d.name) && !go.blocks.some((b) => b.name === d.name)) out.push({ component, path: at(d.name), fact: 'name', docs: d.name, go: '(none)' });
    }
    for (const d of docs?.blocks ?? []) {
        if (!go.attributes.some((a) => a.name === d.name) && !go.blocks.some((b) => b.name === d.name)) out.push({ component, path: at(d.name), fact: 'name', docs: `block ${d.name}`, go: '(none)' });
    }
    return { attributes, blocks };
}

/** Docs and Go spell the same types differently (`boolean`, `int`, `list(otelcol.Consumer)`). */
export function normalizeType(type: string): string {
    let t = type.trim().replace(/^(string or secret|secret or string)$/, 'secret');
    t = t.replace(/\bcapsule\([^()]*\)/g, 'capsule');
    t = t.replace(/\[\](\w[\w.]*)/g, 'list($1)').replace(/\barray\(/g, 'list(');
    t = t.replace(/\b(boolean)\b/g, 'bool');
    t = t.replace(/\b(int|uint|integer|float|float32|float64|uint32|int64)\b/g, 'number');
    t = t.replace(/\bDuration\b/g, 'duration').replace(/\boptional_secret\b/g, 'secret').replace(/\b(units\.Base2Bytes|size)\b/g, 'bytes');
    t = t.replace(/\b(?:[a-z]+\.)?[A-Z]\w*\b/g, 'capsule').replace(/\b(receiver|Target)\b/g, 'capsule');
    if (/\bor\b/.test(t)) return 'any';
    return t;
}

function normalizeDefault(value: string): string {
    const v = value.trim().replace(/^`|`$/g, '');
    const duration = durationNs(v.replace(/^"|"$/g, ''));
    if (duration !== undefined) return String(duration);
    return v.replace(/\s+/g, '');
}

/** A default the docs write as a duration (Go's `1m30s` or Prometheus' `7d`), in nanoseconds. */
function durationNs(text: string): bigint | undefined {
    if (!/^[\d.]+[a-zµ]/.test(text)) return undefined;
    for (const parse of [parseGoDuration, parseModelDuration]) {
        try {
            return parse(text);
        } catch {
            // not this syntax
        }
    }
    return undefined;
}
