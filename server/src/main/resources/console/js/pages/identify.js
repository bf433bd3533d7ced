// Identify (operator): 1:N search of a collection with an uploaded photo; the probe face is boxed on the photo.
import { api } from '../api.js';
import { h, clear, field, select, section, pageTitle, statusLine, status, showError, table, fmtScore } from '../ui.js';
import { loadCollections, collectionOptions, loadImage, drawBoxes } from './shared.js';

export function render(main) {
  const collection = select('collectionId', []);
  const source = h('input', { name: 'source', maxlength: 200 });
  const k = h('input', { name: 'k', type: 'number', min: 1, max: 100, value: '5' });
  const photo = h('input', { name: 'image', type: 'file', accept: 'image/*', required: true });
  const msg = statusLine();
  const out = h('div#identify-result');
  const form = h('form#identify-form', {},
    h('div.grid', {},
      field('Collection', collection),
      field('Photo', photo, 'The largest face in the photo is searched.'),
      field('Source (camera or site)', source, 'Needed for a watchlist authorisation limited to some sources.'),
      field('Candidates (k)', k)),
    h('div.actions', {}, h('button', { type: 'submit' }, 'Identify')),
    msg);
  clear(main, pageTitle('Identify'),
    h('p.lead', 'Searches one collection for the person in a photo. Only candidates at or above the collection’s '
      + 'threshold are matches; on a watchlist every hit is only a review candidate for two reviewers.'),
    section('Search', form), out);

  loadCollections(true).then((list) => {
    clear(collection);
    collectionOptions(list).forEach(([v, t]) => collection.append(h('option', { value: v }, t)));
    if (!list.length) status(msg, 'No collections yet.', 'info');
  }).catch((err) => showError(msg, err, 'Could not load collections'));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = photo.files[0];
    if (!file) {
      status(msg, 'Choose a photo.', 'error');
      return;
    }
    const body = new FormData();
    body.append('collectionId', collection.value);
    if (source.value.trim()) body.append('source', source.value.trim());
    if (k.value) body.append('k', k.value);
    body.append('image', file, file.name);
    status(msg, 'Searching…', 'busy');
    clear(out);
    try {
      const r = await api('/identify', { method: 'POST', form: body });
      status(msg, `${r.candidates.length} candidate${r.candidates.length === 1 ? '' : 's'}; ${r.facesInImage} face${r.facesInImage === 1 ? '' : 's'} in the photo.`, 'ok');
      show(out, r, file);
    } catch (err) {
      showError(msg, err, 'Not identified');
    }
  });
}

async function show(out, r, file) {
  const canvas = h('canvas.probe', { role: 'img', 'aria-label': 'The photo with the searched face boxed' });
  const best = r.candidates[0];
  const verdict = r.purpose === 'watchlist'
    ? (r.reviewCaseId ? `Watchlist hit: review case ${r.reviewCaseId} opened; two reviewers must confirm.` : 'No watchlist hit.')
    : (best && best.match ? `Match: ${best.subjectId} (similarity ${fmtScore(best.similarity)} ≥ ${r.threshold}).`
      : `No match at threshold ${r.threshold}.`);
  clear(out, section('Result',
    h('p#identify-verdict.verdict', { dataset: { match: String(Boolean(best && best.match)), review: r.reviewCaseId || '' } }, verdict),
    h('div.result-grid', {}, canvas,
      table([
        { title: 'Rank', value: (c) => String(r.candidates.indexOf(c) + 1), cls: 'num' },
        { title: 'Subject id', value: (c) => h('code', c.subjectId) },
        { title: 'Similarity', value: (c) => fmtScore(c.similarity), cls: 'num' },
        { title: 'Status', value: (c) => h('span.badge', { dataset: { state: c.status } }, c.status) },
      ], r.candidates, { empty: 'No candidates.', caption: `Candidates (threshold ${r.threshold})`, rowAttrs: (c) => ({ dataset: { subject: c.subjectId } }) }))));
  try {
    const img = await loadImage(file);
    drawBoxes(canvas, img, [{ ...r.probeFace, label: best && best.match ? 'match' : 'probe', color: best && best.match ? '#18a058' : '#d97706' }]);
  } catch (e) {
    canvas.remove();
  }
}
