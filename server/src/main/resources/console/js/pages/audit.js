// Audit (auditor): hash-chain verification, a searchable window of the log (newest first), JSON Lines export.
import { api } from '../api.js';
import { h, clear, field, select, section, pageTitle, statusLine, status, showError, table, fmtTime, short, download } from '../ui.js';

const PAGE = 500;

export function render(main) {
  const verifyBox = h('div#audit-verify.verify', { role: 'status', 'aria-live': 'polite' });
  const verifyBtn = h('button.secondary', { type: 'button' }, 'Verify again');
  const exportBtn = h('button#audit-export', { type: 'button' }, 'Export JSON Lines');
  const exportMsg = statusLine();
  exportMsg.id = 'audit-export-status';
  const text = h('input', { name: 'q', type: 'search', placeholder: 'actor, subject, object, detail…' });
  const action = select('action', [['', 'Any action']]);
  const outcome = select('outcome', [['', 'Any outcome'], 'ok', 'denied', 'refused', 'failed']);
  const msg = statusLine();
  const rowsBox = h('div#audit-records');
  const older = h('button.secondary', { type: 'button', hidden: true }, 'Load older records');
  let records = [];
  let oldest = null;

  clear(main, pageTitle('Audit'),
    h('p.lead', 'Every access to biometric data, every decision and every refusal is an audit record, chained by hash. '
      + 'Reading, verifying and exporting the log are audited too.'),
    section('Chain verification', verifyBox, h('div.actions', {}, verifyBtn)),
    section('Export', h('p', 'The whole log as JSON Lines, one sealed record per line, for archiving or external verification.'),
      h('div.actions', {}, exportBtn), exportMsg),
    section('Records',
      h('form#audit-search.toolbar', { role: 'search' }, field('Search', text), field('Action', action), field('Outcome', outcome)),
      msg, rowsBox, h('div.actions', {}, older)));

  async function verify() {
    clear(verifyBox, 'Verifying…');
    verifyBox.dataset.intact = '';
    try {
      const v = await api('/audit/verify');
      verifyBox.dataset.intact = String(v.intact);
      clear(verifyBox,
        h('p.verdict', v.intact ? `✓ Chain intact: ${v.recordsChecked} records checked.` : '✗ Chain broken.'),
        h('dl.facts', {},
          h('dt', 'Head'), h('dd', `#${v.headSeq} `, h('code', { title: v.headHash }, short(v.headHash))),
          v.firstBreak ? [h('dt', 'First break'), h('dd', `#${v.firstBreak.seq} ${v.firstBreak.kind}: ${v.firstBreak.detail}`)] : null));
      return v;
    } catch (err) {
      clear(verifyBox);
      showError(msg, err, 'Verification failed');
      return null;
    }
  }

  async function load(fromSeq, limit) {
    const page = await api('/audit', { query: { fromSeq, limit } });
    return page.records;
  }

  async function loadNewest() {
    const v = await verify();
    const head = v ? v.headSeq : PAGE;
    const from = Math.max(1, head - PAGE + 1);
    try {
      records = await load(from, PAGE);
      oldest = from;
      older.hidden = oldest <= 1;
      actions();
      paint();
    } catch (err) {
      showError(msg, err, 'Could not load records');
    }
  }

  older.addEventListener('click', async () => {
    const from = Math.max(1, oldest - PAGE);
    try {
      const more = await load(from, oldest - from);
      records = more.concat(records);
      oldest = from;
      older.hidden = oldest <= 1;
      actions();
      paint();
    } catch (err) {
      showError(msg, err, 'Could not load records');
    }
  });

  function actions() {
    const seen = [...new Set(records.map((r) => r.action))].sort();
    const keep = action.value;
    clear(action, h('option', { value: '' }, 'Any action'), seen.map((a) => h('option', { value: a, selected: a === keep }, a)));
  }

  function paint() {
    const q = text.value.trim().toLowerCase();
    const rows = records.filter((r) => (!action.value || r.action === action.value)
      && (!outcome.value || r.outcome === outcome.value)
      && (!q || [r.actorId, r.role, r.action, r.subjectId, r.objectId, r.collectionId, r.detail, r.inputImageSha256, String(r.seq)]
        .some((x) => x && String(x).toLowerCase().includes(q)))).reverse();
    const first = records.length ? records[0].seq : 0;
    const last = records.length ? records[records.length - 1].seq : 0;
    status(msg, `${rows.length} of ${records.length} loaded records (#${first}–#${last}) match.`, 'info');
    clear(rowsBox, table([
      { title: '#', value: (r) => String(r.seq), cls: 'num' },
      { title: 'Time', value: (r) => fmtTime(r.at) },
      { title: 'Actor', value: (r) => `${r.actorId}${r.role ? ` (${r.role})` : ''}` },
      { title: 'Action', value: (r) => r.action },
      { title: 'Outcome', value: (r) => h('span.badge', { dataset: { state: r.outcome } }, r.outcome) },
      { title: 'Subject / object', value: (r) => [r.subjectId, r.objectId].filter(Boolean).map(short).join(' / ') },
      { title: 'Detail', value: (r) => r.detail || '' },
    ], rows.slice(0, 1000), { empty: 'No record matches.', rowAttrs: (r) => ({ dataset: { seq: r.seq, action: r.action } }) }));
  }

  [text, action, outcome].forEach((x) => x.addEventListener('input', paint));
  verifyBtn.addEventListener('click', verify);
  exportBtn.addEventListener('click', async () => {
    status(exportMsg, 'Exporting…', 'busy');
    try {
      const res = await api('/audit/export', { raw: true });
      const blob = await res.blob();
      const lines = (await blob.text()).split('\n').filter(Boolean).length;
      download(new Blob([blob], { type: 'application/x-ndjson' }), `consentry-audit-${new Date().toISOString().slice(0, 10)}.jsonl`);
      status(exportMsg, `Exported ${lines} records (${blob.size} bytes) as JSON Lines.`, 'ok');
      exportMsg.dataset.lines = String(lines);
    } catch (err) {
      showError(exportMsg, err, 'Export failed');
    }
  });
  main.querySelector('#audit-search').addEventListener('submit', (e) => e.preventDefault());
  loadNewest();
}
