// Live view: sources (admin adds and removes them), the latest frame with tracked boxes and names, an event feed.
// Frames are fetched as JPEGs with the key header; tracks and events come over server-sent events (sse.js).
import { api, authHeaders, failure } from '../api.js';
import { h, clear, field, select, section, pageTitle, statusLine, status, showError, table, fmtScore, short, confirmDialog } from '../ui.js';
import { loadCollections } from './shared.js';
import { openEventStream } from '../sse.js';

const FEED_MAX = 100;
const FRAME_MIN_INTERVAL_MS = 200;

export function render(main, ctx) {
  const operator = ctx.role === 'operator';
  const admin = ctx.role === 'admin';
  const msg = statusLine();
  const sourcesBox = h('div#sources');
  const viewer = h('div#viewer');
  let closeViewer = () => {};
  let sources = [];

  clear(main, pageTitle('Live view'),
    h('p.lead', operator ? 'Pick a source to watch its tracked faces and the events of the pipeline.'
      : 'Sources feed the live pipeline; operators watch them.'),
    admin ? addSourceForm(() => refresh()) : null,
    section('Sources', msg, sourcesBox),
    viewer);

  async function refresh() {
    try {
      sources = await api('/sources');
      status(msg, '', 'info');
      paint();
    } catch (err) {
      showError(msg, err, 'Could not load sources');
    }
  }

  function paint() {
    clear(sourcesBox, table([
      { title: 'Name', value: (s) => s.name },
      { title: 'State', value: (s) => h('span.badge', { dataset: { state: s.state } }, s.state) },
      { title: 'FPS', value: (s) => (typeof s.fps === 'number' ? s.fps.toFixed(1) : ''), cls: 'num' },
      { title: 'Tracks', value: (s) => String(s.activeTracks ?? ''), cls: 'num' },
      { title: 'Frames', value: (s) => String(s.framesRead ?? ''), cls: 'num wide-only' },
      { title: 'Last error', value: (s) => s.lastError || '', cls: 'wide-only' },
      {
        title: 'Actions',
        value: (s) => [
          operator ? h('button.small', { type: 'button', 'aria-label': `Watch ${s.name}`, dataset: { source: s.id }, onclick: () => watch(s) }, 'Watch') : null,
          admin ? h('button.danger.small', { type: 'button', 'aria-label': `Remove ${s.name}`, onclick: () => remove(s) }, 'Remove') : null],
      },
    ], sources, { empty: 'No sources.', rowAttrs: (s) => ({ dataset: { id: s.id } }) }));
  }

  async function remove(s) {
    if (!await confirmDialog({ title: `Remove source “${s.name}”?`, body: h('p', 'The pipeline stops reading it.'), confirmLabel: 'Remove', danger: true })) return;
    try {
      await api(`/sources/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
      refresh();
    } catch (err) {
      showError(msg, err, 'Not removed');
    }
  }

  function watch(s) {
    closeViewer();
    closeViewer = openViewer(viewer, s);
    history.replaceState(null, '', `#/live?source=${encodeURIComponent(s.id)}`);
  }

  refresh().then(() => {
    const wanted = ctx.params.get('source');
    const s = sources.find((x) => x.id === wanted) || (operator && sources.length === 1 ? sources[0] : null);
    if (s && operator) watch(s);
  });
  const poll = setInterval(() => { if (!document.hidden) refresh(); }, 5000);
  return () => {
    clearInterval(poll);
    closeViewer();
  };
}

function addSourceForm(done) {
  const name = h('input', { name: 'name', required: true, maxlength: 200 });
  const url = h('input', { name: 'url', required: true, maxlength: 2000, placeholder: 'rtsp://…, http://…, or a file path' });
  const collection = select('collectionId', [['', 'None (tracking only)']]);
  const every = h('input', { name: 'detectEvery', type: 'number', min: 1, max: 100, placeholder: 'default' });
  const msg = statusLine();
  loadCollections().then((cols) => cols.forEach((c) => collection.append(h('option', { value: c.id }, `${c.name} (${c.purpose})`)))).catch(() => {});
  const form = h('form#add-source', {},
    h('div.grid', {}, field('Name', name), field('URL', url), field('Identify against', collection), field('Detect every n-th frame', every)),
    h('div.actions', {}, h('button', { type: 'submit' }, 'Add source')), msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { name: name.value.trim(), url: url.value.trim() };
    if (collection.value) body.collectionId = collection.value;
    if (every.value) body.detectEvery = Number(every.value);
    try {
      await api('/sources', { method: 'POST', json: body });
      status(msg, `Added “${body.name}”.`, 'ok');
      name.value = '';
      url.value = '';
      done();
    } catch (err) {
      showError(msg, err, 'Not added');
    }
  });
  return section('Add a source', form);
}

/** The viewer for one source; returns a function that stops it. */
function openViewer(box, source) {
  const id = encodeURIComponent(source.id);
  const conn = h('span#live-connection.badge', { role: 'status', 'aria-live': 'polite', dataset: { state: 'connecting' } }, 'connecting');
  const img = h('img#live-frame', { alt: `Latest frame of ${source.name}` });
  const overlay = h('canvas#live-overlay', { 'aria-hidden': 'true' });
  const feed = h('ol#live-feed.feed', { 'aria-label': 'Event feed' });
  const stats = h('p#live-stats.hint');
  const frameMsg = h('p.hint');
  let tracks = null;
  let stopped = false;
  let url = null;

  clear(box, section(`Watching ${source.name}`,
    h('div.live-head', {}, conn, stats),
    h('div.live', {},
      h('div.stage', {}, img, overlay),
      h('div.feed-box', {}, h('h3', 'Events'), feed)),
    frameMsg));

  // ---- frames: fetch the latest JPEG, at most every FRAME_MIN_INTERVAL_MS, one request at a time
  async function frames() {
    let failures = 0;
    while (!stopped) {
      const t0 = performance.now();
      try {
        const res = await fetch(`/api/v1/sources/${id}/frame.jpg`, { headers: authHeaders(), cache: 'no-store', credentials: 'omit' });
        if (!res.ok) throw await failure(res);
        const blob = await res.blob();
        if (stopped) return;
        const next = URL.createObjectURL(blob);
        img.src = next;
        if (url) URL.revokeObjectURL(url);
        url = next;
        failures = 0;
        frameMsg.textContent = '';
      } catch (err) {
        if (err.status === 401 || stopped) return;
        failures += 1;
        frameMsg.textContent = `No frame: ${err.describe ? err.describe() : err.message}`;
      }
      const wait = failures ? Math.min(5000, 500 * failures) : Math.max(0, FRAME_MIN_INTERVAL_MS - (performance.now() - t0));
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  function draw() {
    const w = img.clientWidth;
    const hh = img.clientHeight;
    overlay.width = w;
    overlay.height = hh;
    const g = overlay.getContext('2d');
    g.clearRect(0, 0, w, hh);
    if (!tracks || !tracks.width || !w) return;
    const sx = w / tracks.width;
    const sy = hh / tracks.height;
    g.lineWidth = 2;
    g.font = '13px system-ui, sans-serif';
    for (const t of tracks.tracks) {
      const b = t.box;
      const color = t.label ? '#18a058' : '#f59e0b';
      g.strokeStyle = color;
      g.strokeRect(b.x * sx, b.y * sy, b.width * sx, b.height * sy);
      const text = `${t.label || `#${t.trackId}`}${typeof t.score === 'number' ? ` ${t.score.toFixed(2)}` : ''}`;
      const tw = g.measureText(text).width + 8;
      g.fillStyle = color;
      g.fillRect(b.x * sx, Math.max(0, b.y * sy - 18), tw, 18);
      g.fillStyle = '#fff';
      g.fillText(text, b.x * sx + 4, Math.max(0, b.y * sy - 18) + 13);
    }
  }
  img.addEventListener('load', draw);
  const onResize = () => draw();
  window.addEventListener('resize', onResize);

  function log(kind, text) {
    feed.prepend(h('li', { dataset: { kind } }, h('time', new Date().toLocaleTimeString()), ' ', h('strong', kind), ' ', text));
    while (feed.children.length > FEED_MAX) feed.lastChild.remove();
  }

  function onEvent(ev) {
    let d = {};
    try {
      d = JSON.parse(ev.data);
    } catch (e) {
      d = { text: ev.data };
    }
    switch (ev.event) {
      case 'tracks':
        tracks = d;
        draw();
        break;
      case 'track-started':
        log('track-started', `track #${d.trackId}`);
        break;
      case 'track-ended':
        log('track-ended', `track #${d.trackId}`);
        break;
      case 'candidate':
        log('candidate', `track #${d.trackId}: ${short(d.subjectId)} ${fmtScore(d.similarity)} ${d.status}${d.caseId ? ` (review case ${short(d.caseId)})` : ''}`);
        break;
      case 'stats':
        stats.textContent = Object.entries(d).map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : v}`).join(' · ');
        break;
      case 'state':
        log('state', d.state ? `${d.state}${d.message ? `: ${d.message}` : ''}` : ev.data);
        break;
      default:
        log(ev.event, ev.data.slice(0, 200));
    }
  }

  function onState(state, info) {
    conn.dataset.state = state;
    if (state === 'open') {
      if (conn.textContent.startsWith('reconnecting')) log('connection', 'stream reconnected');
      conn.textContent = 'live';
    }
    else if (state === 'connecting') conn.textContent = 'connecting…';
    else if (state === 'reconnecting') {
      conn.textContent = info.delayMs ? `reconnecting (attempt ${info.attempt}, in ${(info.delayMs / 1000).toFixed(1)} s)` : `reconnecting (attempt ${info.attempt})…`;
      if (info.delayMs) log('connection', 'stream lost; reconnecting');
    } else if (state === 'failed') {
      conn.textContent = 'stopped';
      log('connection', info.describe ? info.describe() : String(info));
    }
  }

  const closeStream = openEventStream(`/api/v1/sources/${id}/events`, { onEvent, onState });
  frames();
  return () => {
    stopped = true;
    closeStream();
    window.removeEventListener('resize', onResize);
    if (url) URL.revokeObjectURL(url);
  };
}
