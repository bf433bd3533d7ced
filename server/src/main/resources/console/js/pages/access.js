// Keys & authorisations (admin): API keys per person or system (the secret is shown once), watchlist authorisations.
import { api } from '../api.js';
import { h, clear, field, check, select, section, pageTitle, statusLine, status, showError, table, fmtTime, short, confirmDialog } from '../ui.js';
import { ROLES, loadCollections } from './shared.js';

export function render(main, ctx) {
  const keysBox = h('div#keys');
  const authBox = h('div#authorisations');
  const keysMsg = statusLine();
  const authMsg = statusLine();
  clear(main, pageTitle('Keys & authorisations'),
    h('p.lead', 'Give each person or system its own key with one role. A watchlist can be searched only under a valid '
      + 'authorisation naming it.'),
    section('API keys', keyForm(keysMsg, () => refreshKeys()), keysMsg, keysBox),
    section('Watchlist authorisations', authForm(authMsg, () => refreshAuth()), authMsg, authBox));

  async function refreshKeys() {
    try {
      const keys = await api('/api-keys');
      clear(keysBox, table([
        { title: 'Name', value: (k) => k.name },
        { title: 'Role', value: (k) => k.role },
        { title: 'Key id', value: (k) => h('code', k.id) },
        { title: 'Created', value: (k) => fmtTime(k.createdAt) },
        { title: 'State', value: (k) => (k.revokedAt ? `revoked ${fmtTime(k.revokedAt)}` : 'active') },
        {
          title: 'Actions',
          value: (k) => (k.revokedAt || k.id === ctx.me.keyId ? '' : h('button.danger.small', { type: 'button', onclick: () => revokeKey(k) }, `Revoke ${k.name}`)),
        },
      ], keys, { rowAttrs: (k) => ({ dataset: { id: k.id } }) }));
    } catch (err) {
      showError(keysMsg, err, 'Could not load keys');
    }
  }

  async function revokeKey(k) {
    if (!await confirmDialog({ title: `Revoke the key “${k.name}”?`, body: h('p', 'Whoever uses it is signed out at their next request.'), confirmLabel: 'Revoke key', danger: true })) return;
    try {
      await api(`/api-keys/${encodeURIComponent(k.id)}/revoke`, { method: 'POST' });
      status(keysMsg, `Revoked “${k.name}”.`, 'ok');
      refreshKeys();
    } catch (err) {
      showError(keysMsg, err, 'Not revoked');
    }
  }

  async function refreshAuth() {
    try {
      const [list, cols] = await Promise.all([api('/authorisations'), loadCollections(true)]);
      const names = new Map(cols.map((c) => [c.id, c.name]));
      clear(authBox, table([
        { title: 'Issuer', value: (a) => a.issuer },
        { title: 'Legal reference', value: (a) => a.legalReference },
        { title: 'Collections', value: (a) => a.collectionIds.map((id) => names.get(id) || short(id)).join(', ') },
        { title: 'Sources', value: (a) => (a.sources.length ? a.sources.join(', ') : 'any') },
        { title: 'Valid', value: (a) => `${fmtTime(a.validFrom)} – ${fmtTime(a.expiresAt)}` },
        { title: 'State', value: (a) => (a.revokedAt ? 'revoked' : (Date.parse(a.expiresAt) < Date.now() ? 'expired' : 'in force')) },
        {
          title: 'Actions',
          value: (a) => (a.revokedAt ? '' : h('button.danger.small', { type: 'button', onclick: () => revokeAuth(a) }, 'Revoke')),
        },
      ], list, { empty: 'No authorisations.' }));
    } catch (err) {
      showError(authMsg, err, 'Could not load authorisations');
    }
  }

  async function revokeAuth(a) {
    if (!await confirmDialog({ title: 'Revoke this authorisation?', body: h('p', `${a.issuer}, ${a.legalReference}`), confirmLabel: 'Revoke', danger: true })) return;
    try {
      await api(`/authorisations/${encodeURIComponent(a.id)}/revoke`, { method: 'POST' });
      refreshAuth();
    } catch (err) {
      showError(authMsg, err, 'Not revoked');
    }
  }

  refreshKeys();
  refreshAuth();
}

function keyForm(msg, done) {
  const name = h('input', { name: 'name', required: true, maxlength: 200 });
  const role = select('role', ROLES, 'operator');
  const secretBox = h('div#new-key');
  const form = h('form#create-key', {},
    h('div.grid', {}, field('Name (person or system)', name), field('Role', role)),
    h('div.actions', {}, h('button', { type: 'submit' }, 'Create key')), secretBox);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const r = await api('/api-keys', { method: 'POST', json: { name: name.value.trim(), role: role.value } });
      const out = h('input#new-key-secret', { readOnly: true, value: r.secret });
      clear(secretBox, h('div.secret', { role: 'status' },
        field(`Secret of “${r.key.name}” (${r.key.role}) — shown once, copy it now`, out)));
      out.select();
      name.value = '';
      status(msg, '', 'info');
      done();
    } catch (err) {
      showError(msg, err, 'Not created');
    }
  });
  return form;
}

function authForm(msg, done) {
  const issuer = h('input', { name: 'issuer', required: true, maxlength: 200 });
  const legal = h('input', { name: 'legalReference', required: true, maxlength: 500 });
  const sources = h('input', { name: 'sources', maxlength: 1000, placeholder: 'gate-3, gate-4' });
  const expires = h('input', { name: 'expiresAt', type: 'date', required: true });
  const colBox = h('fieldset.purposes', {}, h('legend', 'Watchlist collections'));
  const boxes = [];
  loadCollections().then((cols) => cols.filter((c) => c.purpose === 'watchlist').forEach((c) => {
    const b = h('input', { type: 'checkbox', value: c.id, name: 'collectionIds' });
    boxes.push(b);
    colBox.append(check(c.name, b));
  })).catch(() => {});
  const form = h('form#create-authorisation', {},
    h('div.grid', {}, field('Issuer', issuer), field('Legal reference', legal),
      field('Sources (comma-separated; empty = any)', sources), field('Expires on', expires)),
    colBox,
    h('div.actions', {}, h('button', { type: 'submit' }, 'Record authorisation')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const ids = boxes.filter((b) => b.checked).map((b) => b.value);
    if (!ids.length) {
      status(msg, 'Choose at least one watchlist collection.', 'error');
      return;
    }
    try {
      await api('/authorisations', {
        method: 'POST',
        json: {
          issuer: issuer.value.trim(), legalReference: legal.value.trim(), collectionIds: ids,
          sources: sources.value.split(',').map((s) => s.trim()).filter(Boolean), expiresAt: `${expires.value}T23:59:59Z`,
        },
      });
      status(msg, 'Authorisation recorded.', 'ok');
      done();
    } catch (err) {
      showError(msg, err, 'Not recorded');
    }
  });
  return form;
}
