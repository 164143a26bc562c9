// Draws the app icons (PNG) into public/icons with nothing but Node's zlib: a rounded square
// in the app's primary colour holding two interlocking white rings (working together).
// Run after changing the design: `node scripts/make-icons.mjs`; the PNGs are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const PRIMARY = [0x16, 0x77, 0xff];
const WHITE = [0xff, 0xff, 0xff];
const out = new URL('../public/icons/', import.meta.url).pathname;

// CRC-32 (PNG chunk checksums).
const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An RGBA image as a PNG file. */
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // no filter
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Inside a square of side 1 centred at 0.5 with corner radius r (coordinates in 0..1). */
function inRoundedSquare(x, y, inset, r) {
  const lo = inset;
  const hi = 1 - inset;
  if (x < lo || x > hi || y < lo || y > hi) return false;
  const cx = Math.min(Math.max(x, lo + r), hi - r);
  const cy = Math.min(Math.max(y, lo + r), hi - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** On one of the two rings, centred around (0.5, 0.5) at `scale` of the icon. */
function onRings(x, y, scale) {
  const radius = 0.2 * scale;
  const width = 0.055 * scale;
  const dx = 0.11 * scale;
  for (const cx of [0.5 - dx, 0.5 + dx]) {
    const d = Math.hypot(x - cx, y - 0.5);
    if (Math.abs(d - radius) <= width / 2) return true;
  }
  return false;
}

/**
 * One icon: `maskable` fills the whole square (the platform cuts its own shape, keeping the
 * central 80 %); otherwise a rounded square on transparency. 4×4 samples per pixel smooth edges.
 */
function draw(size, { maskable = false, fullBleed = false } = {}) {
  const rgba = Buffer.alloc(size * size * 4);
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          const inside = maskable || fullBleed || inRoundedSquare(x, y, 0.04, 0.2);
          if (!inside) continue;
          if (onRings(x, y, maskable ? 0.8 : 1)) fg++;
          else bg++;
        }
      }
      const n = S * S;
      const alpha = (bg + fg) / n;
      const i = (py * size + px) * 4;
      if (alpha === 0) continue;
      const f = fg / (bg + fg);
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(PRIMARY[c] * (1 - f) + WHITE[c] * f);
      rgba[i + 3] = Math.round(alpha * 255);
    }
  }
  return png(size, rgba);
}

mkdirSync(out, { recursive: true });
const files = {
  'icon-192.png': draw(192),
  'icon-512.png': draw(512),
  'icon-maskable-512.png': draw(512, { maskable: true }),
  // iOS rounds the corners itself and shows transparency as black: fill the square.
  'apple-touch-icon.png': draw(180, { fullBleed: true }),
};
for (const [name, data] of Object.entries(files)) {
  writeFileSync(join(out, name), data);
  console.log(`${name}: ${data.length} bytes`);
}
