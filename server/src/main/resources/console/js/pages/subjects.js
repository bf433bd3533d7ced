// Subjects (enroller): create, record consent first, enrol photos (upload or camera) with per-photo quality feedback,
// withdraw consent, erase with a confirmation listing what goes.
import { api } from '../api.js';
import {
  h, clear, field, check, select, section, pageTitle, statusLine, status, showError, table, fmtTime, short, confirmDialog, uid,
} from '../ui.js';
import { PURPOSES, BASES, loadCollections, collectionOptions, loadImage } from './shared.js';
import { precheck, faceChecks, sha256Hex } from '../quality.js';

/** Templates enrolled in this console session, per subject (the API does not list a subject's templates). */
const enrolledHere = new Map();
let enrolledBy = null;

export function render(main, ctx) {
  if (enrolledBy !== ctx.me.keyId) {
    enrolledHere.clear();
    enrolledBy = ctx.me.keyId;
  }
  const listBox = h('div#subject-list');
  const detail = h('div#subject-detail.detail');
  const msg = statusLine();
  let stopCamera = () => {};

  const name = h('input', { name: 'displayName', required: true, maxlength: 200 });
  const ext = h('input', { name: 'externalId', maxlength: 200 });
  const createMsg = statusLine();
  const create = h('form#create-subject', {},
    h('div.grid', {}, field('Display name', name), field('External id (optional)', ext, 'The person’s id in your own system.')),
    h('div.actions', {}, h('button', { type: 'submit' }, 'Create subject')), createMsg);
  create.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const s = await api('/subjects', { method: 'POST', json: { displayName: name.value.trim(), externalId: ext.value.trim() || undefined } });
      status(createMsg, `Created “${s.displayName}”.`, 'ok');
      name.value = '';
      ext.value = '';
      await refresh();
      open(s.id);
    } catch (err) {
      showError(createMsg, err, 'Not created');
    }
  });

  const search = h('input', { name: 'search', type: 'search', placeholder: 'name or external id' });
  search.addEventListener('input', () => paint());
  let subjects = [];

  clear(main, pageTitle('Subjects'),
    h('p.lead', 'Record the subject’s consent first; enrolment stays disabled until a valid consent covers the '
      + 'collection’s purpose. Erasure removes the subject’s templates everywhere.'),
    h('div.split', {},
      h('div.side', {}, section('New subject', create), section('Subjects', field('Filter', search), msg, listBox)),
      detail));

  function paint() {
    const q = search.value.trim().toLowerCase();
    const rows = subjects.filter((s) => !q || s.displayName.toLowerCase().includes(q) || (s.externalId || '').toLowerCase().includes(q));
    clear(listBox, rows.length ? h('ul.pick', {}, rows.map((s) => h('li', {},
      h('button.link', { type: 'button', dataset: { id: s.id }, onclick: () => open(s.id) },
        s.displayName, s.externalId ? h('span.muted', ` · ${s.externalId}`) : null))))
      : h('p.empty', q ? 'No subject matches.' : 'No subjects yet.'));
  }

  async function refresh() {
    try {
      subjects = await api('/subjects', { query: { limit: 1000 } });
      paint();
    } catch (err) {
      showError(msg, err, 'Could not load subjects');
    }
  }

  async function open(id) {
    stopCamera();
    clear(detail, h('p.status.busy', 'Loading…'));
    try {
      const [subject, consents, collections] = await Promise.all([
        api(`/subjects/${encodeURIComponent(id)}`), api(`/subjects/${encodeURIComponent(id)}/consents`), loadCollections(true)]);
      stopCamera = renderDetail(detail, subject, consents, collections, { reopen: () => open(id), erased: () => { clear(detail); refresh(); } });
    } catch (err) {
      clear(detail, h('p.status.error', err.describe ? err.describe() : String(err)));
    }
  }

  refresh();
  return () => stopCamera();
}

function consentState(c, now = Date.now()) {
  if (c.withdrawnAt) return 'withdrawn';
  if (c.expiresAt && Date.parse(c.expiresAt) <= now) return 'expired';
  if (Date.parse(c.givenAt) > now) return 'not yet valid';
  return 'valid';
}

function covers(consents, purpose) {
  return consents.some((c) => consentState(c) === 'valid' && c.purposes.includes(purpose));
}

function renderDetail(box, subject, consents, collections, { reopen, erased }) {
  const sid = encodeURIComponent(subject.id);
  const head = h('div.subject-head', {},
    h('h2#subject-title', subject.displayName),
    h('dl.facts', {},
      h('dt', 'Subject id'), h('dd', h('code', subject.id)),
      subject.externalId ? [h('dt', 'External id'), h('dd', subject.externalId)] : null,
      h('dt', 'Created'), h('dd', fmtTime(subject.createdAt)),
      h('dt', 'Last interaction'), h('dd', fmtTime(subject.lastInteractionAt))));

  // ---- consents
  const consentMsg = statusLine();
  const consentTable = table([
    { title: 'Purposes', value: (c) => c.purposes.join(', ') },
    { title: 'Basis', value: (c) => c.basis + (c.legalReference ? ` (${c.legalReference})` : '') },
    { title: 'Given', value: (c) => fmtTime(c.givenAt) },
    { title: 'Expires', value: (c) => (c.expiresAt ? fmtTime(c.expiresAt) : 'no expiry') },
    { title: 'Evidence', value: (c) => (c.evidenceSha256 ? h('code', { title: c.evidenceSha256 }, short(c.evidenceSha256)) : '—') },
    { title: 'State', value: (c) => h('span.badge', { dataset: { state: consentState(c) } }, consentState(c)) },
    {
      title: 'Actions',
      value: (c) => (consentState(c) === 'valid' ? h('button.secondary.small', { type: 'button', onclick: () => withdraw(c) }, 'Withdraw') : ''),
    },
  ], consents, { empty: 'No consent recorded yet.', caption: `Consents of ${subject.displayName}` });

  async function withdraw(c) {
    const ok = await confirmDialog({
      title: 'Withdraw this consent?',
      body: h('p', `Templates that no other valid consent covers (purposes: ${c.purposes.join(', ')}) are deleted now.`),
      confirmLabel: 'Withdraw consent',
      danger: true,
    });
    if (!ok) return;
    try {
      const r = await api(`/consents/${encodeURIComponent(c.id)}/withdraw`, { method: 'POST' });
      status(consentMsg, `Consent withdrawn; ${r.removedTemplates.length} templates deleted.`, 'ok');
      reopen();
    } catch (err) {
      showError(consentMsg, err, 'Not withdrawn');
    }
  }

  const consentForm = buildConsentForm(subject, collections, async (body) => {
    const c = await api(`/subjects/${sid}/consents`, { method: 'POST', json: body });
    reopen();
    return c;
  });

  // ---- enrolment
  const enrolSection = buildEnrolment(subject, consents, collections);

  // ---- erasure
  const eraseMsg = statusLine();
  const eraseBtn = h('button#erase.danger', { type: 'button' }, 'Erase subject…');
  eraseBtn.addEventListener('click', async () => {
    const known = enrolledHere.get(subject.id) || [];
    const ok = await confirmDialog({
      title: `Erase ${subject.displayName}?`,
      body: [
        h('p', 'Erasure (GDPR Art. 17) cannot be undone. It deletes:'),
        h('ul#erase-deletes', {},
          h('li', `the subject record “${subject.displayName}”${subject.externalId ? ` (external id ${subject.externalId})` : ''}, id ${subject.id};`),
          h('li', 'every face template of this subject, in every collection'
            + (known.length ? ` — ${known.length} enrolled in this console session` : '') + ';'),
          h('li', 'any enrolment images a collection kept (encrypted);'),
          h('li', 'the deleted bytes from the database files (scrubbed).')),
        h('p', `It keeps: ${consents.length} consent record${consents.length === 1 ? '' : 's'}, as evidence hashes only, and the audit trail.`),
      ],
      confirmLabel: 'Erase permanently',
      danger: true,
    });
    if (!ok) return;
    status(eraseMsg, 'Erasing…', 'busy');
    try {
      const r = await api(`/subjects/${sid}`, { method: 'DELETE' });
      enrolledHere.delete(subject.id);
      erased();
      const out = document.getElementById('subject-detail');
      clear(out, h('div#erasure-result.card', { role: 'status' },
        h('h2', `Erased ${subject.displayName}`),
        h('ul', {}, h('li', `${r.removedTemplates.length} templates removed`),
          h('li', `${r.consentsRetained} consents retained as evidence hashes`),
          h('li', r.scrubbed ? 'database files scrubbed: no deleted bytes remain' : 'database scrub pending'))));
    } catch (err) {
      showError(eraseMsg, err, 'Not erased');
    }
  });

  clear(box, head,
    section('Consent', consentTable, consentMsg, consentForm),
    enrolSection.node,
    section('Erase', h('p', 'Deletes the subject and all of its templates; consents stay as evidence hashes.'), eraseBtn, eraseMsg));
  return enrolSection.stop;
}

function buildConsentForm(subject, collections, save) {
  const purposesBox = h('fieldset.purposes', {}, h('legend', 'Purposes'));
  const boxes = PURPOSES.map((p) => {
    const c = h('input', { type: 'checkbox', name: 'purposes', value: p });
    purposesBox.append(check(p, c));
    return c;
  });
  // pre-tick the purposes of existing collections other than watchlists
  const used = new Set(collections.map((c) => c.purpose));
  boxes.forEach((b) => { b.checked = used.has(b.value) && b.value !== 'watchlist'; });
  const basis = select('basis', BASES, 'signed-form');
  const legal = h('input', { name: 'legalReference', maxlength: 500 });
  const now = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const given = h('input', { name: 'givenAt', type: 'datetime-local', value: now, max: now });
  const expires = h('input', { name: 'expiresAt', type: 'date' });
  const evidence = h('input', { name: 'evidence', type: 'file' });
  const evidenceHash = h('output.hash', { 'aria-live': 'polite' });
  const msg = statusLine();
  let hash = null;
  evidence.addEventListener('change', async () => {
    hash = null;
    evidenceHash.textContent = '';
    const f = evidence.files[0];
    if (!f) return;
    evidenceHash.textContent = 'hashing…';
    hash = await sha256Hex(await f.arrayBuffer());
    evidenceHash.textContent = `SHA-256 ${hash}`;
  });
  const legalField = field('Legal reference', legal, 'Required for a legal basis, e.g. “Court order 2025/17”.');
  const sync = () => { legalField.hidden = basis.value !== 'legal-basis'; };
  basis.addEventListener('change', sync);
  sync();

  const form = h('form#consent-form', {},
    h('p', {}, 'Consent of ', h('strong', subject.displayName), '. Recorded under your key; the evidence document stays with you — only its SHA-256 is stored.'),
    purposesBox,
    h('div.grid', {},
      field('Basis', basis),
      legalField,
      field('Given at', given),
      field('Expires on (optional)', expires, 'Consent lapses at the start of this day (UTC); templates are then purged.'),
      field('Evidence document', evidence, 'Signed form, screenshot or record; required for a signed form.')),
    evidenceHash,
    h('div.actions', {}, h('button#record-consent', { type: 'submit' }, 'Record consent')),
    msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const purposes = boxes.filter((b) => b.checked).map((b) => b.value);
    if (!purposes.length) {
      status(msg, 'Choose at least one purpose.', 'error');
      return;
    }
    if (evidence.files[0] && !hash) {
      status(msg, 'Still hashing the evidence document…', 'busy');
      return;
    }
    const body = { purposes, basis: basis.value };
    if (basis.value === 'legal-basis' && legal.value.trim()) body.legalReference = legal.value.trim();
    if (given.value) body.givenAt = new Date(given.value).toISOString();
    if (expires.value) body.expiresAt = `${expires.value}T00:00:00Z`;
    if (hash) body.evidenceSha256 = hash;
    try {
      await save(body);
    } catch (err) {
      showError(msg, err, 'Consent not recorded');
    }
  });
  return form;
}

function buildEnrolment(subject, consents, collections) {
  const photos = [];
  const enrolable = collections;
  const collection = select('collectionId', collectionOptions(enrolable), enrolable[0] && enrolable[0].id);
  const files = h('input', { name: 'photos', type: 'file', accept: 'image/*', multiple: true });
  const grid = h('ul#photos.photos');
  const gate = h('p#enrol-gate.hint', { role: 'status' });
  const enrolBtn = h('button#enrol', { type: 'button', disabled: true }, 'Enrol photos');
  const msg = statusLine();

  // camera
  const camBtn = h('button.secondary', { type: 'button' }, 'Use camera');
  const shotBtn = h('button', { type: 'button', hidden: true }, 'Take photo');
  const camStop = h('button.secondary', { type: 'button', hidden: true }, 'Stop camera');
  const video = h('video.camera', { autoplay: true, muted: true, playsinline: true, hidden: true, 'aria-label': 'Camera preview' });
  let stream = null;
  const stop = () => {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    video.hidden = true;
    shotBtn.hidden = true;
    camStop.hidden = true;
    camBtn.hidden = false;
  };
  camBtn.addEventListener('click', async () => {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      status(msg, 'The camera needs a secure page (https or localhost) and a browser that allows it.', 'error');
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user', width: { ideal: 1280 } }, audio: false });
      video.srcObject = stream;
      video.hidden = false;
      shotBtn.hidden = false;
      camStop.hidden = false;
      camBtn.hidden = true;
      shotBtn.focus();
    } catch (err) {
      status(msg, `Camera not available: ${err.message}`, 'error');
    }
  });
  camStop.addEventListener('click', stop);
  let shots = 0;
  shotBtn.addEventListener('click', () => {
    const c = document.createElement('canvas');
    c.width = video.videoWidth;
    c.height = video.videoHeight;
    c.getContext('2d').drawImage(video, 0, 0);
    c.toBlob((blob) => {
      shots += 1;
      add(new File([blob], `camera-${shots}.jpg`, { type: 'image/jpeg' }));
    }, 'image/jpeg', 0.92);
  });

  files.addEventListener('change', () => {
    [...files.files].forEach(add);
    files.value = '';
  });

  async function add(file) {
    const p = { file, img: null, state: 'new', checks: [], message: '' };
    photos.push(p);
    p.li = h('li.photo');
    grid.append(p.li);
    try {
      p.img = await loadImage(file);
      p.checks = precheck(p.img);
    } catch (err) {
      p.checks = [{ name: 'image', ok: false, text: err.message }];
    }
    paint(p);
    update();
  }

  function paint(p) {
    const remove = h('button.secondary.small', {
      type: 'button',
      'aria-label': `Remove ${p.file.name}`,
      onclick: () => {
        photos.splice(photos.indexOf(p), 1);
        p.li.remove();
        update();
      },
    }, 'Remove');
    clear(p.li,
      p.img ? h('img', { src: p.img.src, alt: `Photo ${p.file.name}` }) : h('div.noimg', 'no preview'),
      h('div.photo-info', {},
        h('strong', p.file.name),
        h('ul.checks', {}, p.checks.map((c) => h('li', { dataset: { check: c.name, ok: String(c.ok) } }, c.ok ? '✓ ' : '⚠ ', c.text))),
        p.message ? h('p', { class: `result ${p.state}`, dataset: { state: p.state } }, p.message) : null,
        p.state === 'enrolled' ? null : remove));
  }

  function update() {
    const col = enrolable.find((c) => c.id === collection.value);
    const pending = photos.filter((p) => p.state === 'new');
    let reason = '';
    if (!col) reason = 'Create a collection first (admin).';
    else if (!covers(consents, col.purpose)) reason = `Record a valid consent covering “${col.purpose}” first: enrolment stays disabled until then.`;
    else if (!pending.length) reason = 'Add photos (upload or camera).';
    enrolBtn.disabled = Boolean(reason);
    gate.textContent = reason || `Ready: ${pending.length} photo${pending.length === 1 ? '' : 's'} to enrol into “${col.name}”.`;
    gate.dataset.ready = String(!reason);
  }
  collection.addEventListener('change', update);

  enrolBtn.addEventListener('click', async () => {
    enrolBtn.disabled = true;
    let ok = 0;
    let failed = 0;
    for (const p of photos.filter((x) => x.state !== 'enrolled')) {
      const form = new FormData();
      form.append('collectionId', collection.value);
      form.append('image', p.file, p.file.name);
      p.state = 'busy';
      p.message = 'enrolling…';
      paint(p);
      try {
        const r = await api(`/subjects/${encodeURIComponent(subject.id)}/faces`, { method: 'POST', form });
        p.state = 'enrolled';
        p.message = `Enrolled: template ${short(r.templateId)}`;
        if (p.img) p.checks = faceChecks(p.img, r);
        const list = enrolledHere.get(subject.id) || [];
        list.push(r.templateId);
        enrolledHere.set(subject.id, list);
        ok += 1;
      } catch (err) {
        p.state = 'failed';
        p.message = err.describe ? err.describe() : String(err);
        if (err.code === 'NO_FACE') p.checks = [...p.checks.filter((c) => c.name !== 'face'), { name: 'face', ok: false, text: 'no face found' }];
        if (err.code === 'MULTIPLE_FACES') p.checks = [...p.checks.filter((c) => c.name !== 'face'), { name: 'face', ok: false, text: 'several faces' }];
        failed += 1;
      }
      paint(p);
    }
    status(msg, `${ok} enrolled${failed ? `, ${failed} refused (see each photo)` : ''}.`, failed ? 'error' : 'ok');
    update();
  });

  const node = section('Enrol',
    h('div.grid', {}, field('Collection', collection), field('Photos', files, 'JPEG, PNG or WebP, one face per photo.')),
    h('div.actions', {}, camBtn, shotBtn, camStop),
    video,
    grid,
    gate,
    h('div.actions', {}, enrolBtn),
    msg);
  update();
  return { node, stop };
}
