// Redaction (operator): an image is redacted at once; a video becomes a job whose progress is polled.
import { api } from '../api.js';
import { h, clear, field, select, section, pageTitle, statusLine, status, showError, download } from '../ui.js';

const POLL_MS = 1000;

export function render(main) {
  const file = h('input', { name: 'file', type: 'file', accept: 'image/*,video/*', required: true });
  const mode = select('mode', [['blur', 'Blur'], ['pixelate', 'Pixelate'], ['fill', 'Solid fill']], 'blur');
  const shape = select('shape', [['box', 'Box'], ['ellipse', 'Ellipse']], 'ellipse');
  const margin = h('input', { name: 'margin', type: 'number', min: 0, max: 1, step: '0.05', value: '0.25' });
  const msg = statusLine();
  const out = h('div#redact-result');
  const progress = h('progress#redact-progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Redaction progress' });
  const form = h('form#redact-form', {},
    h('div.grid', {},
      field('Image or video', file),
      field('Mode', mode),
      field('Shape', shape),
      field('Margin around each face', margin, 'Fraction of the face box added on each side.')),
    h('div.actions', {}, h('button', { type: 'submit' }, 'Redact')),
    progress, msg);
  clear(main, pageTitle('Redaction'),
    h('p.lead', 'Hides every detected face in an image or a video before it is shared. Nothing is enrolled or kept.'),
    section('Redact', form), out);

  let stop = false;
  let objectUrl = null;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files[0];
    if (!f) {
      status(msg, 'Choose a file.', 'error');
      return;
    }
    clear(out);
    const query = { mode: mode.value, shape: shape.value, margin: margin.value };
    const isVideo = (f.type || '').startsWith('video/') || /\.(mp4|mov|mkv|webm|avi|m4v)$/i.test(f.name);
    const body = new FormData();
    body.append(isVideo ? 'video' : 'image', f, f.name);
    progress.hidden = true;
    try {
      if (!isVideo) {
        status(msg, 'Redacting…', 'busy');
        const res = await api('/redact', { method: 'POST', query, form: body, raw: true });
        const blob = await res.blob();
        const n = res.headers.get('X-Consentry-Faces-Redacted');
        if (objectUrl) URL.revokeObjectURL(objectUrl);
        objectUrl = URL.createObjectURL(blob);
        const name = `${f.name.replace(/\.[^.]+$/, '')}-redacted.png`;
        status(msg, `${n ?? '?'} face${n === '1' ? '' : 's'} redacted.`, 'ok');
        msg.dataset.faces = n ?? '';
        clear(out, section('Result',
          h('img#redacted-image.result-image', { src: objectUrl, alt: `Redacted ${f.name}` }),
          h('div.actions', {}, h('button', { type: 'button', onclick: () => download(blob, name) }, `Download ${name}`))));
        return;
      }
      status(msg, 'Uploading…', 'busy');
      // videos go up as the raw request body (streamed to a private file on the server), not as a form
      let job = await api('/redaction-jobs', { method: 'POST', query: { ...query, name: f.name }, file: f });
      progress.hidden = false;
      while (!stop && (job.state === 'queued' || job.state === 'running')) {
        progress.value = job.progress || 0;
        status(msg, `${job.state === 'queued' ? 'Queued' : 'Redacting'}: ${Math.round((job.progress || 0) * 100)} %`
          + (job.framesTotal ? ` (${job.framesDone} of ${job.framesTotal} frames)` : ''), 'busy');
        await new Promise((r) => setTimeout(r, POLL_MS));
        job = await api(`/redaction-jobs/${encodeURIComponent(job.id)}`);
      }
      if (stop) return;
      if (job.state !== 'done') {
        status(msg, `Redaction failed: ${job.error || job.state}`, 'error');
        return;
      }
      progress.value = 1;
      status(msg, `Done: ${job.framesDone} frames.`, 'ok');
      const fetchResult = async () => {
        const res = await api(`/redaction-jobs/${encodeURIComponent(job.id)}/result`, { raw: true });
        const disposition = res.headers.get('Content-Disposition') || '';
        const named = /filename="?([^";]+)"?/.exec(disposition);
        download(await res.blob(), named ? named[1] : `${f.name.replace(/\.[^.]+$/, '')}-redacted.mp4`);
      };
      clear(out, section('Result', h('div.actions', {}, h('button#redacted-video', {
        type: 'button',
        onclick: () => fetchResult().catch((err) => showError(msg, err, 'Download failed')),
      }, 'Download the redacted video'))));
    } catch (err) {
      showError(msg, err, 'Not redacted');
    }
  });
  return () => {
    stop = true;
    if (objectUrl) URL.revokeObjectURL(objectUrl);
  };
}
