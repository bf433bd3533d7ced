// Values shared by several pages.
import { api } from '../api.js';

export const PURPOSES = ['access-control', 'event-check-in', 'photo-library', 'identity-verification', 'time-attendance', 'watchlist'];
export const BASES = [['in-app', 'In-app consent'], ['signed-form', 'Signed form'], ['legal-basis', 'Legal basis (no consent)']];
export const ROLES = ['admin', 'enroller', 'operator', 'reviewer', 'auditor'];

let collectionsCache = null;

/** All collections (every role may list them). */
export async function loadCollections(fresh = false) {
  if (fresh || !collectionsCache) {
    collectionsCache = await api('/collections');
  }
  return collectionsCache;
}

export function forgetCollections() {
  collectionsCache = null;
}

export function collectionLabel(c) {
  return `${c.name} (${c.purpose}, threshold ${c.matchThreshold})`;
}

/** Options for a collection <select>. */
export function collectionOptions(list) {
  return list.map((c) => [c.id, collectionLabel(c)]);
}

/** Reads a File into an HTMLImageElement (for previews and client-side checks). */
export function loadImage(blob) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(blob);
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('the browser cannot display this file as an image'));
    };
    img.src = url;
  });
}

/** Draws boxes ({x, y, width, height} in image pixels) over an image on a canvas scaled to the image. */
export function drawBoxes(canvas, img, boxes) {
  canvas.width = img.naturalWidth || img.width;
  canvas.height = img.naturalHeight || img.height;
  const g = canvas.getContext('2d');
  g.drawImage(img, 0, 0);
  const lw = Math.max(2, Math.round(canvas.width / 200));
  g.lineWidth = lw;
  g.font = `${Math.max(12, lw * 7)}px system-ui, sans-serif`;
  for (const b of boxes) {
    g.strokeStyle = b.color || '#18a058';
    g.strokeRect(b.x, b.y, b.width, b.height);
    if (b.label) {
      const tw = g.measureText(b.label).width + lw * 4;
      const th = lw * 10;
      g.fillStyle = b.color || '#18a058';
      g.fillRect(b.x, Math.max(0, b.y - th), tw, th);
      g.fillStyle = '#fff';
      g.fillText(b.label, b.x + lw * 2, Math.max(0, b.y - th) + th - lw * 3);
    }
  }
}
