// stage.template and stage.replace: expectations follow Alloy's stages/{template,replace}.go and Go's
// text/template semantics (a missing key prints "<no value>" from the template stage's map[string]any
// and "" from replace's map[string]string).

import { afterEach, describe, expect, it } from 'vitest';
import { stopAll } from '../harness.js';
import { buildError, entry, run } from './helpers.js';

afterEach(stopAll);

/** Runs json → template(source=out) → output(out) over one line. */
async function render(template: string, line = '{"level":"warn","msg":"Disk Full","n":3,"lvl":"30"}', source = 'out'): Promise<string> {
    const out = await run([['json', { expressions: { level: '', msg: '', n: '', lvl: '' } }], ['template', { source, template }], ['output', { source }]], [entry(line)]);
    return out[0].line;
}

describe('stage.template (stages/template.go)', () => {
    it.each<[string, string, string]>([
        ['fields', '{{ .level }}: {{.msg}} ({{ .n }})', 'warn: Disk Full (3)'],
        ['a missing key prints <no value>', '[{{ .nothing }}]', '[<no value>]'],
        ['.Entry is the line', '{{ .Entry | len }}', '51'],
        ['Alloy functions', '{{ ToUpper .level }} {{ ToLower .msg }} {{ Replace .msg "k" "K" -1 }} {{ TrimSpace "  x " }} {{ TrimPrefix .msg "Disk " }}', 'WARN disk full DisK Full x Full'],
        ['Trim with cutset', '{{ Trim "xxhixx" "x" }}|{{ TrimLeft "xxhi" "x" }}|{{ TrimRight "hixx" "x" }}', 'hi|hi|hi'],
        // sha3-256 / sha256 of "saltv", as Python's hashlib computes them.
        ['Hash (sha3-256) and Sha2Hash', '{{ Hash "salt" "v" | printf "%.8s" }} {{ Sha2Hash "salt" "v" | printf "%.8s" }}', '22ecb452 10613d36'],
        ['regexReplaceAll expands groups; the Literal variant does not', '{{ regexReplaceAll "(\\\\w+) (\\\\w+)" .msg "${2}-$1" }} {{ regexReplaceAllLiteral "D(isk)" .msg "$1" }}', 'Full-Disk $1 Full'],
        ['if / else if / else with eq (trim markers)', '{{- if eq .lvl "10" -}} trace {{- else if eq .lvl "30" -}} info {{- else -}} unknown {{- end -}}', 'info'],
        ['if on a missing key is false; and/or/not', '{{ if .nothing }}a{{ else }}b{{ end }}{{ if and .level (not .nothing) }}c{{ end }}{{ or .nothing "d" }}', 'bcd'],
        ['variables, with, pipes and parentheses', '{{ $l := .level }}{{ with .msg }}{{ . }}/{{ $l }}{{ end }}/{{ (printf "%s-%d" .level 7) | upper }}', 'Disk Full/warn/WARN-7'],
        ['sprig string functions', '{{ default "x" .nothing }} {{ .msg | lower | replace " " "_" }} {{ trunc 4 .msg }} {{ quote .level }} {{ contains "Full" .msg }}', 'x disk_full Disk "warn" true'],
        ['comments', 'a{{/* a comment */}}b', 'ab'],
    ])('%s', async (_name, template, want) => {
        expect(await render(template)).toBe(want);
    });

    it('.Value is the source\'s current value, and an empty result deletes the key', async () => {
        const out = await run(
            [
                ['json', { expressions: { level: '' } }],
                ['template', { source: 'level', template: '{{ ToUpper .Value }}' }],
                ['template', { source: 'gone', template: '' }],
                ['labels', { values: { level: '', gone: '' } }],
            ],
            [entry('{"level":"info"}', { gone: 'label' })],
        );
        expect(out[0].labels).toEqual({ level: 'INFO', gone: 'label' });
    });

    it.each<[string, string]>([
        ['an undefined function', '{{ nosuch .x }}'],
        ['an unclosed action', '{{ .x '],
        ['a missing end', '{{ if .x }}a'],
    ])('refuses %s', async (_name, template) => {
        expect(await buildError([['template', { source: 'x', template }]])).toMatch(/^stage\.template: invalid stage config template: pipeline_template:1: /);
    });

    it('refuses an empty source', async () => {
        expect(await buildError([['template', { source: '', template: 'x' }]])).toBe('stage.template: invalid stage config template source value is required');
    });
});

describe('stage.replace (stages/replace.go)', () => {
    it.each<[string, Record<string, unknown>, string, string]>([
        ['every group of every match is replaced', { expression: '(\\d{2}\\.\\d{2}\\.\\d{2}\\.\\d{2}) - (\\S+)', replace: '*{{ .Value }}*' }, '11.11.11.11 - frank 12.12.12.12 - frank', '*11.11.11.11* - *frank* *12.12.12.12* - *frank*'],
        ['an empty replacement removes the captures', { expression: 'password=(\\S+)' }, 'user=a password=secret next', 'user=a password= next'],
        ['templates use functions', { expression: '(\\w+)@example\\.com', replace: '{{ Sha2Hash "" .Value | trunc 6 }}' }, 'mail bob@example.com', 'mail 81b637@example.com'],
        ['no match leaves the line', { expression: '(zzz)', replace: 'x' }, 'abc', 'abc'],
    ])('%s', async (_name, attrs, line, want) => {
        expect((await run([['replace', attrs]], [line]))[0].line).toBe(want);
    });

    it('named groups extract their replacement; source rewrites the extracted value', async () => {
        const out = await run(
            [
                ['json', { expressions: { msg: '' } }],
                ['replace', { expression: '(?P<user>\\w+)@', source: 'msg', replace: '{{ ToUpper .Value }}' }],
                ['labels', { values: { user: '', msg: '' } }],
            ],
            ['{"msg":"from ann@x"}'],
        );
        expect(out[0].labels).toEqual({ user: 'ANN', msg: 'from ANN@x' });
        expect(out[0].line).toBe('{"msg":"from ann@x"}');
    });

    it('refuses a missing expression and a bad template', async () => {
        expect(await buildError([['replace', { expression: '' }]])).toBe('stage.replace: invalid stage config expression is required');
        expect(await buildError([['replace', { expression: '(a)', replace: '{{ nosuch }}' }]])).toBe('stage.replace: invalid stage config failed to compile template: template: pipeline_template:1: function "nosuch" not defined');
    });
});
