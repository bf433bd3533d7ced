// Review queue (reviewer): watchlist cases; confirm a candidate or reject; a case is confirmed only when two
// different reviewers confirm the same candidate.
import { api } from '../api.js';
import { h, clear, field, select, section, pageTitle, statusLine, status, showError, fmtTime, fmtScore, short } from '../ui.js';
import { loadCollections } from './shared.js';

export function render(main, ctx) {
  const filter = select('status', [['pending', 'Pending'], ['confirmed', 'Confirmed'], ['rejected', 'Rejected'], ['', 'All']], 'pending');
  const msg = statusLine();
  const list = h('div#review-list');
  const refreshBtn = h('button.secondary', { type: 'button', onclick: () => refresh() }, 'Refresh');
  clear(main, pageTitle('Review queue'),
    h('p.lead', 'Watchlist hits are only candidates. A case is confirmed when two different reviewers confirm the same '
      + 'candidate; one rejection closes it. The probe photo and enrolled photos are not kept (only their hashes and '
      + 'templates), so decide from the scores and the case details, and consult the source system for the images.'),
    h('div.toolbar', {}, field('Show', filter), refreshBtn), msg, list);
  filter.addEventListener('change', () => refresh());
  let names = new Map();

  async function refresh() {
    status(msg, 'Loading…', 'busy');
    try {
      const [cases, cols] = await Promise.all([api('/review-cases', { query: { status: filter.value, limit: 200 } }), loadCollections()]);
      names = new Map(cols.map((c) => [c.id, c.name]));
      status(msg, `${cases.length} case${cases.length === 1 ? '' : 's'}.`, 'info');
      clear(list, cases.length ? cases.map(card) : h('p.empty', 'No cases.'));
    } catch (err) {
      showError(msg, err, 'Could not load cases');
    }
  }

  function card(c) {
    const confirms = c.decisions.filter((d) => d.verdict === 'confirm');
    const mine = c.decisions.find((d) => d.reviewerId === ctx.me.keyId);
    const cardMsg = statusLine();
    let need = '';
    if (c.status === 'pending') {
      need = confirms.length === 0 ? `Needs ${c.requiredConfirmations} confirmations from different reviewers.`
        : `Needs a second reviewer: ${confirms.length} of ${c.requiredConfirmations} confirmations.`;
    }
    const decide = async (verdict, subjectId) => {
      try {
        await api(`/review-cases/${encodeURIComponent(c.id)}/decisions`, { method: 'POST', json: { verdict, subjectId } });
        await refresh();
      } catch (err) {
        showError(cardMsg, err, 'Decision not recorded');
      }
    };
    const canDecide = c.status === 'pending' && !mine;
    return h('article.card.case', { dataset: { id: c.id, status: c.status } },
      h('h2', `Case ${short(c.id)} `, h('span.badge', { dataset: { state: c.status } }, c.status)),
      need ? h('p.need-second', { role: 'note' }, need) : null,
      mine && c.status === 'pending' ? h('p.hint', 'You have decided on this case; another reviewer must decide next.') : null,
      h('dl.facts', {},
        h('dt', 'Collection'), h('dd', names.get(c.collectionId) || c.collectionId),
        h('dt', 'Source'), h('dd', c.source || '—'),
        h('dt', 'Opened'), h('dd', `${fmtTime(c.createdAt)} by ${c.createdBy}`),
        h('dt', 'Authorisation'), h('dd', h('code', c.authorisationId)),
        h('dt', 'Probe image'), h('dd', h('code', { title: c.probeImageSha256 }, `SHA-256 ${short(c.probeImageSha256)}`), ' (not retained)'),
        c.confirmedSubjectId ? [h('dt', 'Confirmed subject'), h('dd', h('code', c.confirmedSubjectId))] : null),
      h('div.table-wrap', {}, h('table', {},
        h('caption', 'Candidates'),
        h('thead', h('tr', h('th', { scope: 'col' }, 'Subject id'), h('th', { scope: 'col' }, 'Similarity'), h('th', { scope: 'col' }, 'Confirmations'),
          canDecide ? h('th', { scope: 'col' }, 'Decision') : null)),
        h('tbody', c.candidates.map((x) => h('tr', { dataset: { subject: x.subjectId } },
          h('td', h('code', x.subjectId)),
          h('td.num', fmtScore(x.similarity)),
          h('td.num', String(confirms.filter((d) => d.subjectId === x.subjectId).length)),
          canDecide ? h('td', h('button.small', { type: 'button', dataset: { action: 'confirm' }, onclick: () => decide('confirm', x.subjectId) },
            `Confirm ${short(x.subjectId)}`)) : null))))),
      c.decisions.length ? h('div', {}, h('h3', 'Decisions'), h('ul.decisions', {}, c.decisions.map((d) => h('li', {},
        `${d.verdict} by ${d.reviewerId === ctx.me.keyId ? 'you' : d.reviewerId}${d.subjectId ? ` (${short(d.subjectId)})` : ''}, ${fmtTime(d.decidedAt)}`)))) : null,
      canDecide ? h('div.actions', {}, h('button.danger', { type: 'button', dataset: { action: 'reject' }, onclick: () => decide('reject') }, 'Reject all hits')) : null,
      cardMsg);
  }

  refresh();
}
