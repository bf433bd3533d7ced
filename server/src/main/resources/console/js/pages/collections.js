// Collections: everyone lists them; an admin creates (purpose, retention, threshold) and deletes them.
import { api } from '../api.js';
import { h, clear, field, check, select, section, pageTitle, statusLine, status, showError, table, fmtTime, confirmDialog } from '../ui.js';
import { PURPOSES, loadCollections, forgetCollections } from './shared.js';

export function render(main, ctx) {
  const admin = ctx.role === 'admin';
  const list = h('div#collection-list');
  const msg = statusLine();
  clear(main, pageTitle('Collections'),
    h('p.lead', 'A collection holds the templates of one purpose. Its threshold decides what counts as a match; '
      + 'its retention how long an unused template is kept.'),
    admin ? createForm(msg, refresh) : null,
    section('All collections', msg, list));

  async function refresh() {
    try {
      const rows = await loadCollections(true);
      clear(list, table([
        { title: 'Name', value: (c) => c.name },
        { title: 'Purpose', value: (c) => c.purpose },
        { title: 'Retention', value: (c) => `${c.retentionDays} days` },
        { title: 'Threshold', value: (c) => String(c.matchThreshold), cls: 'num' },
        { title: 'Source images', value: (c) => (c.storeSourceImages ? 'kept, encrypted' : 'hash only'), cls: 'wide-only' },
        { title: 'Created', value: (c) => fmtTime(c.createdAt), cls: 'wide-only' },
        ...(admin ? [{ title: 'Actions', value: (c) => h('button.danger.small', { type: 'button', onclick: () => remove(c) }, `Delete ${c.name}`) }] : []),
      ], rows, { empty: 'No collections yet.', rowAttrs: (c) => ({ dataset: { id: c.id } }) }));
    } catch (err) {
      showError(msg, err, 'Could not load collections');
    }
  }

  async function remove(c) {
    const ok = await confirmDialog({
      title: `Delete collection “${c.name}”?`,
      body: [h('p', 'This deletes the collection and every template enrolled in it. Subjects and consents stay.'),
        h('p', 'It cannot be undone.')],
      confirmLabel: 'Delete collection',
      danger: true,
    });
    if (!ok) return;
    try {
      const r = await api(`/collections/${encodeURIComponent(c.id)}`, { method: 'DELETE' });
      status(msg, `Deleted “${c.name}” and ${r.templatesRemoved} templates.`, 'ok');
      forgetCollections();
      refresh();
    } catch (err) {
      showError(msg, err, 'Delete failed');
    }
  }

  refresh();
}

function createForm(msg, refresh) {
  const name = h('input', { name: 'name', required: true, maxlength: 200 });
  const purpose = select('purpose', PURPOSES, 'access-control');
  const retention = h('input', { name: 'retentionDays', type: 'number', min: 1, max: 1095, value: '365', required: true });
  const threshold = h('input', { name: 'matchThreshold', type: 'number', min: 0, max: 1, step: '0.001', required: true });
  const keep = h('input', { name: 'storeSourceImages', type: 'checkbox' });
  const formMsg = statusLine();
  api('/calibration').then((c) => {
    if (!threshold.value) threshold.value = String(c.threshold);
  }).catch(() => {});
  const form = h('form#create-collection', { novalidate: false },
    h('div.grid', {},
      field('Name', name),
      field('Purpose', purpose, 'Consent is given per purpose; watchlists need an authorisation and two reviewers.'),
      field('Retention (days)', retention, 'At most 1095 days after the last interaction.'),
      field('Match threshold', threshold, 'Cosine similarity; pre-filled with the engine’s calibrated threshold.')),
    check('Keep enrolment images (encrypted)', keep),
    h('div.actions', {}, h('button', { type: 'submit' }, 'Create collection')),
    formMsg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    status(formMsg, 'Creating…', 'busy');
    try {
      const c = await api('/collections', {
        method: 'POST',
        json: {
          name: name.value.trim(), purpose: purpose.value, retentionDays: Number(retention.value),
          matchThreshold: Number(threshold.value), storeSourceImages: keep.checked,
        },
      });
      status(formMsg, `Created collection “${c.name}”.`, 'ok');
      name.value = '';
      forgetCollections();
      refresh();
    } catch (err) {
      showError(formMsg, err, 'Not created');
    }
  });
  return section('New collection', form);
}
