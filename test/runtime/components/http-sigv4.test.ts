import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SigV4Auth } from '../../../server/runtime/components/http-sigv4.js';

// The "get-vanilla" case of AWS' aws-sig-v4-test-suite: its request, credentials, scope and the
// signature it publishes; the expected value is also derived here step by step from the canonical request.
const SUITE = {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    region: 'us-east-1',
    service: 'service',
    date: new Date(Date.UTC(2015, 7, 30, 12, 36, 0)),
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
};

function derive(canonicalRequest: string): string {
    const scope = '20150830/us-east-1/service/aws4_request';
    const toSign = ['AWS4-HMAC-SHA256', '20150830T123600Z', scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
    let key: Buffer = Buffer.from('AWS4' + SUITE.secretAccessKey);
    for (const part of ['20150830', 'us-east-1', 'service', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('sigv4 signing', () => {
    it('signs get-vanilla exactly as the AWS test suite says', async () => {
        const auth = new SigV4Auth({ region: SUITE.region, service: SUITE.service, accessKeyId: SUITE.accessKeyId, secretAccessKey: SUITE.secretAccessKey }, () => SUITE.date);
        const headers: Record<string, string> = {};
        await auth.apply({ method: 'GET', url: new URL('https://example.amazonaws.com/'), headers, body: new Uint8Array() });
        const canonical = 'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n' + createHash('sha256').update('').digest('hex');
        expect(derive(canonical)).toBe(SUITE.signature);
        expect(headers['x-amz-date']).toBe('20150830T123600Z');
        expect(headers.authorization).toBe(`AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${SUITE.signature}`);
    });

    it('signs query parameters in sorted order (get-vanilla-query-order-key-case)', async () => {
        const auth = new SigV4Auth({ region: SUITE.region, service: SUITE.service, accessKeyId: SUITE.accessKeyId, secretAccessKey: SUITE.secretAccessKey }, () => SUITE.date);
        const headers: Record<string, string> = {};
        await auth.apply({ method: 'GET', url: new URL('https://example.amazonaws.com/?Param2=value2&Param1=value1'), headers, body: new Uint8Array() });
        const canonical = 'GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n' + createHash('sha256').update('').digest('hex');
        expect(headers.authorization).toBe(`AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${derive(canonical)}`);
    });
});
