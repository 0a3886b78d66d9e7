// A small authoritative DNS responder on a free UDP port of 127.0.0.1 for tests (RFC 1035 wire format:
// header, question echoed, answers with a compression pointer to the question name; SRV per RFC 2782,
// AAAA per RFC 3596). Names not in the zone get NXDOMAIN, names in it without records of the asked
// type an empty NOERROR answer, names listed in `servfail` SERVFAIL.

import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

export type DnsRecord =
    | { type: 'A'; address: string }
    | { type: 'AAAA'; address: string }
    | { type: 'SRV'; priority: number; weight: number; port: number; target: string }
    | { type: 'MX'; preference: number; exchange: string }
    | { type: 'NS'; host: string };

const TYPE_CODES: Record<DnsRecord['type'], number> = { A: 1, NS: 2, MX: 15, AAAA: 28, SRV: 33 };

function encodeName(name: string): Buffer {
    const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
    return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])), Buffer.from([0])]);
}

function readName(msg: Buffer, offset: number): { name: string; end: number } {
    const labels: string[] = [];
    let i = offset;
    while (msg[i] !== 0) {
        labels.push(msg.toString('ascii', i + 1, i + 1 + msg[i]));
        i += 1 + msg[i];
    }
    return { name: labels.join('.').toLowerCase(), end: i + 1 };
}

function u16(n: number): Buffer {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    return b;
}

function ipv6(address: string): Buffer {
    const [head, tail = ''] = address.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return Buffer.concat(groups.map((g) => u16(parseInt(g, 16))));
}

function rdata(r: DnsRecord): Buffer {
    switch (r.type) {
        case 'A':
            return Buffer.from(r.address.split('.').map(Number));
        case 'AAAA':
            return ipv6(r.address);
        case 'SRV':
            return Buffer.concat([u16(r.priority), u16(r.weight), u16(r.port), encodeName(r.target)]);
        case 'MX':
            return Buffer.concat([u16(r.preference), encodeName(r.exchange)]);
        case 'NS':
            return encodeName(r.host);
    }
}

export interface FakeDns {
    /** `127.0.0.1:port`, for Resolver.setServers. */
    readonly server: string;
    /** Records by lower-case name without the final dot; change it between lookups. */
    readonly zone: Map<string, DnsRecord[]>;
    readonly servfail: Set<string>;
    /** Names asked, in order. */
    readonly queries: string[];
    close(): Promise<void>;
}

export async function startFakeDns(): Promise<FakeDns> {
    const socket = dgram.createSocket('udp4');
    const zone = new Map<string, DnsRecord[]>();
    const servfail = new Set<string>();
    const queries: string[] = [];
    socket.on('message', (msg, rinfo) => {
        if (msg.length < 12) return;
        const id = msg.readUInt16BE(0);
        const rd = msg.readUInt16BE(2) & 0x0100;
        const { name, end } = readName(msg, 12);
        const qtype = msg.readUInt16BE(end);
        queries.push(name);
        const question = msg.subarray(12, end + 4);
        const known = zone.get(name);
        const rcode = servfail.has(name) ? 2 : known === undefined ? 3 : 0;
        const answers = rcode === 0 ? known!.filter((r) => TYPE_CODES[r.type] === qtype) : [];
        const header = Buffer.concat([u16(id), u16(0x8000 | 0x0400 | rd | 0x0080 | rcode), u16(1), u16(answers.length), u16(0), u16(0)]);
        const rrs = answers.map((r) => {
            const data = rdata(r);
            const ttl = Buffer.alloc(4);
            ttl.writeUInt32BE(30);
            return Buffer.concat([u16(0xc00c), u16(TYPE_CODES[r.type]), u16(1), ttl, u16(data.length), data]);
        });
        socket.send(Buffer.concat([header, question, ...rrs]), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = (socket.address() as AddressInfo).port;
    return {
        server: `127.0.0.1:${port}`,
        zone,
        servfail,
        queries,
        close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
    };
}
