// A throw-away PKI for TLS tests, made with the openssl CLI (node:crypto cannot issue X.509 certificates
// on Node 20): a CA, a server certificate for 127.0.0.1/localhost and a client certificate signed by it,
// and a second, unrelated CA. `makePki()` returns undefined (tests say so and skip) without openssl.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Pki {
    readonly dir: string;
    readonly caFile: string;
    readonly otherCaFile: string;
    readonly serverCert: string;
    readonly serverKey: string;
    readonly clientCertFile: string;
    readonly clientKeyFile: string;
    /** PEM texts. */
    readonly ca: string;
    readonly serverCertPem: string;
    readonly serverKeyPem: string;
}

function hasOpenssl(): boolean {
    try {
        execFileSync('openssl', ['version'], { stdio: 'ignore' });
        return true;
    } catch {
        return false;
    }
}

export function makePki(): Pki | undefined {
    if (!hasOpenssl()) return undefined;
    const dir = mkdtempSync(path.join(tmpdir(), 'flowlens-pki-'));
    const f = (name: string) => path.join(dir, name);
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    for (const ca of ['ca', 'other-ca']) run('req', '-x509', ...key, '-keyout', f(`${ca}.key`), '-out', f(`${ca}.crt`), '-days', '2', '-subj', `/CN=flowlens test ${ca}`);
    writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    writeFileSync(f('client.ext'), 'extendedKeyUsage=clientAuth\n');
    for (const leaf of ['server', 'client']) {
        run('req', ...key, '-keyout', f(`${leaf}.key`), '-out', f(`${leaf}.csr`), '-subj', `/CN=flowlens test ${leaf}`);
        run('x509', '-req', '-in', f(`${leaf}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${leaf}.crt`), '-days', '2', '-extfile', f(`${leaf}.ext`));
    }
    return {
        dir,
        caFile: f('ca.crt'),
        otherCaFile: f('other-ca.crt'),
        serverCert: f('server.crt'),
        serverKey: f('server.key'),
        clientCertFile: f('client.crt'),
        clientKeyFile: f('client.key'),
        ca: readFileSync(f('ca.crt'), 'utf8'),
        serverCertPem: readFileSync(f('server.crt'), 'utf8'),
        serverKeyPem: readFileSync(f('server.key'), 'utf8'),
    };
}
