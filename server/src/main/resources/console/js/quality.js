// Checks the browser can make on a photo before it is sent: resolution and sharpness (variance of the Laplacian).
// Whether a face is found, and its size, comes from the server (enrolment answers with the face box and a quality).

/** Below this variance of the Laplacian (on a 512 px grey copy) a photo is reported as blurred. */
export const BLUR_LIMIT = 60;
/** Shorter image side below which a photo is reported as small. */
export const MIN_SIDE = 160;
/** Face box side from which the server gives full size credit (GalleryService: 80 px). */
export const FULL_FACE_PX = 80;

/** Variance of the Laplacian of a region of an image, measured on a grey copy at most 512 px wide. */
export function sharpness(img, region) {
  const r = region || { x: 0, y: 0, width: img.naturalWidth, height: img.naturalHeight };
  const scale = Math.min(1, 512 / Math.max(r.width, r.height));
  const w = Math.max(3, Math.round(r.width * scale));
  const hgt = Math.max(3, Math.round(r.height * scale));
  const c = document.createElement('canvas');
  c.width = w;
  c.height = hgt;
  const g = c.getContext('2d', { willReadFrequently: true });
  g.drawImage(img, r.x, r.y, r.width, r.height, 0, 0, w, hgt);
  const px = g.getImageData(0, 0, w, hgt).data;
  const grey = new Float32Array(w * hgt);
  for (let i = 0; i < w * hgt; i += 1) {
    grey[i] = 0.299 * px[i * 4] + 0.587 * px[i * 4 + 1] + 0.114 * px[i * 4 + 2];
  }
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let y = 1; y < hgt - 1; y += 1) {
    for (let x = 1; x < w - 1; x += 1) {
      const i = y * w + x;
      const lap = grey[i - 1] + grey[i + 1] + grey[i - w] + grey[i + w] - 4 * grey[i];
      sum += lap;
      sum2 += lap * lap;
      n += 1;
    }
  }
  if (!n) return 0;
  const mean = sum / n;
  return sum2 / n - mean * mean;
}

/** Checks before upload: [{name, ok, text}]. */
export function precheck(img) {
  const w = img.naturalWidth;
  const hgt = img.naturalHeight;
  const s = sharpness(img);
  return [
    { name: 'size', ok: Math.min(w, hgt) >= MIN_SIDE, text: `${w}×${hgt} px${Math.min(w, hgt) >= MIN_SIDE ? '' : ' (small)'}` },
    { name: 'blur', ok: s >= BLUR_LIMIT, text: s >= BLUR_LIMIT ? `sharp (${s.toFixed(0)})` : `blurred (${s.toFixed(0)} < ${BLUR_LIMIT})` },
  ];
}

/** Checks after the server found the face: [{name, ok, text}]. */
export function faceChecks(img, enrolment) {
  const b = enrolment.face;
  const side = Math.round(Math.min(b.width, b.height));
  const region = {
    x: Math.max(0, b.x), y: Math.max(0, b.y),
    width: Math.min(b.width, img.naturalWidth - Math.max(0, b.x)), height: Math.min(b.height, img.naturalHeight - Math.max(0, b.y)),
  };
  const s = region.width > 4 && region.height > 4 ? sharpness(img, region) : 0;
  return [
    { name: 'face', ok: true, text: 'face found' },
    { name: 'face-size', ok: side >= FULL_FACE_PX, text: `face ${side} px${side >= FULL_FACE_PX ? '' : ` (< ${FULL_FACE_PX} px)`}` },
    { name: 'face-blur', ok: s >= BLUR_LIMIT, text: s >= BLUR_LIMIT ? `face sharp (${s.toFixed(0)})` : `face blurred (${s.toFixed(0)})` },
    { name: 'quality', ok: enrolment.quality >= 0.5, text: `quality ${enrolment.quality.toFixed(2)}` },
  ];
}

// ---------------------------------------------------------------------------------------------------------------------
// SHA-256 of the consent evidence: WebCrypto where the page is a secure context (https, localhost), else a plain
// implementation (a console served over http on a LAN address has no crypto.subtle).

export async function sha256Hex(buffer) {
  if (globalThis.crypto && crypto.subtle) {
    const d = await crypto.subtle.digest('SHA-256', buffer);
    return hex(new Uint8Array(d));
  }
  return hex(sha256(new Uint8Array(buffer)));
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);

/** FIPS 180-4 SHA-256 of a byte array. */
export function sha256(msg) {
  const H = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const len = msg.length;
  const total = Math.ceil((len + 9) / 64) * 64;
  const p = new Uint8Array(total);
  p.set(msg);
  p[len] = 0x80;
  const view = new DataView(p.buffer);
  view.setUint32(total - 8, Math.floor(len / 0x20000000));
  view.setUint32(total - 4, (len * 8) >>> 0);
  const w = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < total; off += 64) {
    for (let i = 0; i < 16; i += 1) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i += 1) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = H;
    for (let i = 0; i < 64; i += 1) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += hh;
  }
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  H.forEach((x, i) => ov.setUint32(i * 4, x));
  return out;
}
