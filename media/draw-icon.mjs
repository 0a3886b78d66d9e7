// Draws media/icon.png (128×128): a small pipeline (two sources into a node into a sink) under
// a lens, on a dark rounded square. Plain Node: shapes are sampled 4×4 per pixel for
// anti-aliasing and written as an RGBA PNG with zlib. Run: node media/draw-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4;

const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * Math.min(1, Math.max(0, t)));

function segmentDistance(px, py, [ax, ay], [bx, by]) {
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function insideRoundedSquare(x, y, radius) {
    const cx = Math.min(Math.max(x, radius), SIZE - radius);
    const cy = Math.min(Math.max(y, radius), SIZE - radius);
    return Math.hypot(x - cx, y - cy) <= radius;
}

const sources = [[28, 38], [28, 90]];
const hub = [62, 64];
const sink = [104, 40];
const edges = [[sources[0], hub], [sources[1], hub], [hub, sink]];
const handle = [[79, 81], [104, 106]];

/** The colour at a point, topmost shape first; undefined outside the icon. */
function colour(x, y) {
    if (!insideRoundedSquare(x, y, 24)) return undefined;
    if (segmentDistance(x, y, ...handle) <= 6) return mix(hex('#ff9830'), hex('#f46800'), (y - 81) / 25);
    const lens = Math.hypot(x - hub[0], y - hub[1]);
    if (Math.abs(lens - 24) <= 3.5) return hex('#ffb357');
    if (Math.hypot(x - hub[0], y - hub[1]) <= 11) return hex('#ff9830');
    if (Math.hypot(x - sink[0], y - sink[1]) <= 10) return hex('#73bf69');
    for (const s of sources) if (Math.hypot(x - s[0], y - s[1]) <= 10) return hex('#5794f2');
    for (const [a, b] of edges) if (segmentDistance(x, y, a, b) <= 3) return hex('#c7d0e0');
    if (lens < 24) return mix(hex('#2b3a5c'), hex('#22304d'), y / SIZE); // the glass
    return mix(hex('#1f2a44'), hex('#111827'), y / SIZE);
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
    raw[y * (SIZE * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
        let r = 0, g = 0, b = 0, covered = 0;
        for (let sy = 0; sy < SAMPLES; sy++) {
            for (let sx = 0; sx < SAMPLES; sx++) {
                const c = colour(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
                if (!c) continue;
                r += c[0]; g += c[1]; b += c[2]; covered++;
            }
        }
        const o = y * (SIZE * 4 + 1) + 1 + x * 4;
        if (covered) {
            raw[o] = Math.round(r / covered);
            raw[o + 1] = Math.round(g / covered);
            raw[o + 2] = Math.round(b / covered);
        }
        raw[o + 3] = Math.round((covered / (SAMPLES * SAMPLES)) * 255);
    }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
});
const crc32 = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
console.log(`media/icon.png: ${SIZE}×${SIZE}, ${png.length} bytes`);
