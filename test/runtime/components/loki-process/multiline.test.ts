// stage.multiline: expectations follow Alloy's stages/multiline.go.

import { afterEach, describe, expect, it } from 'vitest';
import { stopAll, waitFor } from '../harness.js';
import { buildError, entry, run, startProcess } from './helpers.js';

afterEach(stopAll);

describe('stage.multiline (stages/multiline.go)', () => {
    it('joins a block from a first line up to the next one, keeping the first line\'s timestamp; other streams pass through', async () => {
        const out = await run(
            [['multiline', { firstline: '^\\[\\d+\\]' }]],
            [entry('[1] start', { s: 'a' }, 1n), entry('  at x\r\n', { s: 'a' }, 2n), entry('no block yet', { s: 'b' }, 3n), entry('[2] next', { s: 'a' }, 4n), entry('tail', { s: 'a' }, 5n)],
        );
        // The last block is released when the component stops (Alloy flushes on shutdown too).
        expect(out.map((e) => [e.line, e.timestamp])).toEqual([
            ['no block yet', 3n],
            ['[1] start\n  at x', 1n],
            ['[2] next\ntail', 4n],
        ]);
    });

    it('max_lines releases a full block; trim_newlines = false keeps line endings', async () => {
        const out = await run([['multiline', { firstline: '^S', max_lines: 2, trim_newlines: false }]], ['S1\n', 'a\n', 'b']);
        expect(out.map((e) => e.line)).toEqual(['S1\n\na\n', 'b']);
    });

    it('max_wait_time releases a block on its own', async () => {
        const { receiver, sink } = await startProcess([['multiline', { firstline: '^S', max_wait_time: '50ms' }]]);
        await receiver.appendEntries([entry('S1'), entry('more')]);
        expect(sink.entries).toEqual([]);
        await waitFor(() => sink.entries.length === 1);
        expect(sink.entries[0].line).toBe('S1\nmore');
    });

    it('refuses an empty or invalid firstline and a zero max_wait_time', async () => {
        expect(await buildError([['multiline', { firstline: '' }]])).toBe('stage.multiline: invalid stage config multiline stage config must define `firstline` regular expression');
        expect(await buildError([['multiline', { firstline: '(' }]])).toBe('stage.multiline: invalid stage config multiline stage first line regex compilation error: error parsing regexp: missing closing ): `(`');
        expect(await buildError([['multiline', { firstline: 'a', max_wait_time: '0s' }]])).toBe('stage.multiline > max_wait_time: max_wait_time must be greater than 0');
    });
});
