// A failing feature answers empty and is logged once per feature and message.

import { OperationCancelled } from 'langium';
import { describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-languageserver';
import { FailureLog, failSoft } from '../../server/lsp/fail-soft.js';

class Feature {
    calls = 0;
    answer(): string {
        this.calls++;
        return 'ok';
    }
    broken(kind: string): never {
        throw new Error(`broken ${kind}`);
    }
    async later(): Promise<string> {
        throw new Error('rejected');
    }
    cancelled(): never {
        throw OperationCancelled;
    }
    refused(): never {
        throw new ResponseError(0, 'cannot rename a built-in');
    }
}

describe('failSoft', () => {
    it('passes answers through and turns exceptions and rejections into the fallback, logged once each', async () => {
        const logged: string[] = [];
        const feature = failSoft(new Feature(), 'hover', new FailureLog((m) => logged.push(m)), () => []);
        expect(feature.answer()).toBe('ok');
        expect(feature.calls).toBe(1);
        expect(feature.broken('a')).toEqual([]);
        expect(feature.broken('a')).toEqual([]);
        expect(feature.broken('b')).toEqual([]);
        expect(await feature.later()).toEqual([]);
        expect(logged).toHaveLength(3);
        expect(logged[0]).toMatch(/^flowlens: hover\.broken failed .*: Error: broken a\n\s+at /);
        expect(logged[2]).toContain('hover.later failed');
    });

    it('lets cancellations and deliberate error answers through', () => {
        const logged: string[] = [];
        const feature = failSoft(new Feature(), 'rename', new FailureLog((m) => logged.push(m)));
        expect(() => feature.cancelled()).toThrow(OperationCancelled);
        expect(() => feature.refused()).toThrow('cannot rename a built-in');
        expect(logged).toEqual([]);
    });
});
