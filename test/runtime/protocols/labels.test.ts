import { describe, it, expect } from 'vitest';
import {
    type Labels,
    formatLabels,
    getLabel,
    isSortedUnique,
    isValidLabelName,
    isValidMetricName,
    labelsEqual,
    labelsFromRecord,
    labelsKey,
    labelsToRecord,
    metricName,
    sortLabels,
    withLabel,
    withoutLabel,
} from '../../../server/runtime/protocols/labels.js';
import { STALE_NAN, isStaleNaN } from '../../../server/runtime/protocols/staleness.js';

const up: Labels = [
    { name: '__name__', value: 'up' },
    { name: 'instance', value: 'localhost:9090' },
    { name: 'job', value: 'prometheus' },
];

describe('labels', () => {
    it('builds sorted label sets from records and drops empty values', () => {
        expect(labelsFromRecord({ job: 'x', __name__: 'up', zone: '', Alpha: 'a' })).toEqual([
            { name: 'Alpha', value: 'a' },
            { name: '__name__', value: 'up' },
            { name: 'job', value: 'x' },
        ]);
    });

    it('converts to records, including a label named __proto__', () => {
        const rec = labelsToRecord([...up, { name: '__proto__', value: 'p' }]);
        expect(Object.keys(rec)).toEqual(['__name__', 'instance', 'job', '__proto__']);
        expect(rec['__proto__']).toBe('p');
        expect(Object.getPrototypeOf(rec)).toBe(Object.prototype);
    });

    it('sortLabels returns the same array when already sorted, a sorted copy otherwise', () => {
        expect(sortLabels(up)).toBe(up);
        const unsorted = [up[2], up[0], up[1]];
        const sorted = sortLabels(unsorted);
        expect(sorted).toEqual(up);
        expect(unsorted[0].name).toBe('job'); // input untouched
    });

    it('detects sorted/unique label sets', () => {
        expect(isSortedUnique(up)).toBe(true);
        expect(isSortedUnique([up[0], up[0]])).toBe(false);
        expect(isSortedUnique([up[1], up[0]])).toBe(false);
    });

    it('labelsKey is stable and collision-free even with separator characters in values', () => {
        expect(labelsKey(up)).toBe(labelsKey([...up]));
        const a = labelsKey([{ name: 'a', value: 'x\u0000b\u00001\u0000y' }]);
        const b = labelsKey([
            { name: 'a', value: 'x' },
            { name: 'b', value: 'y' },
        ]);
        expect(a).not.toBe(b);
        expect(labelsKey([{ name: 'a', value: 'bc' }])).not.toBe(labelsKey([{ name: 'ab', value: 'c' }]));
    });

    it('gets labels by name, including in large sets (binary search path)', () => {
        expect(getLabel(up, 'job')).toBe('prometheus');
        expect(getLabel(up, 'missing')).toBeUndefined();
        expect(metricName(up)).toBe('up');
        const big = labelsFromRecord(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`l${String(i).padStart(2, '0')}`, `v${i}`])));
        expect(getLabel(big, 'l00')).toBe('v0');
        expect(getLabel(big, 'l27')).toBe('v27');
        expect(getLabel(big, 'l39')).toBe('v39');
        expect(getLabel(big, 'l40')).toBeUndefined();
    });

    it('withLabel inserts in order, replaces, and removes on empty value', () => {
        expect(withLabel(up, 'env', 'prod').map((l) => l.name)).toEqual(['__name__', 'env', 'instance', 'job']);
        expect(getLabel(withLabel(up, 'job', 'node'), 'job')).toBe('node');
        expect(withLabel(up, 'job', 'prometheus')).toBe(up);
        expect(withLabel(up, 'job', '').map((l) => l.name)).toEqual(['__name__', 'instance']);
        expect(getLabel(up, 'job')).toBe('prometheus');
    });

    it('withoutLabel returns the same array when the label is absent', () => {
        expect(withoutLabel(up, 'nope')).toBe(up);
        expect(withoutLabel(up, 'instance')).toEqual([up[0], up[2]]);
    });

    it('compares label sets', () => {
        expect(labelsEqual(up, [...up])).toBe(true);
        expect(labelsEqual(up, withLabel(up, 'job', 'y'))).toBe(false);
    });

    it('validates metric and label names', () => {
        expect(isValidMetricName('http_requests_total')).toBe(true);
        expect(isValidMetricName('ns:rule:rate5m')).toBe(true);
        expect(isValidMetricName('1abc')).toBe(false);
        expect(isValidMetricName('a-b')).toBe(false);
        expect(isValidMetricName('')).toBe(false);
        expect(isValidLabelName('_x9')).toBe(true);
        expect(isValidLabelName('a:b')).toBe(false);
        expect(isValidLabelName('9')).toBe(false);
    });

    it('formats label sets for messages', () => {
        expect(formatLabels(up)).toBe('up{instance="localhost:9090", job="prometheus"}');
        expect(formatLabels([{ name: 'a', value: 'q"x' }])).toBe('{a="q\\"x"}');
    });
});

describe('staleness marker', () => {
    it('has the Prometheus bit pattern and is distinguished from ordinary NaN', () => {
        const view = new DataView(new ArrayBuffer(8));
        view.setFloat64(0, STALE_NAN);
        expect(view.getBigUint64(0).toString(16)).toBe('7ff0000000000002');
        expect(isStaleNaN(STALE_NAN)).toBe(true);
        expect(isStaleNaN(NaN)).toBe(false);
        expect(isStaleNaN(1)).toBe(false);
    });
});
