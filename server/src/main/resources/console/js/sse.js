// Server-sent events over fetch(): EventSource cannot send the API key header. Reconnects with capped, jittered
// exponential backoff whenever the stream drops or goes silent; gives up only on 401/403/404.
import { authHeaders, failure } from './api.js';

/** No byte for this long means a dead connection (the server sends stats events and keep-alive comments). */
const SILENCE_MS = 45000;

/**
 * Opens a stream. onEvent({event, data, id}); onState(state, info): state is 'connecting', 'open', 'reconnecting'
 * (info {attempt, delayMs, error}) or 'failed' (info: the ApiError). Returns a function that closes the stream.
 */
export function openEventStream(url, { onEvent, onState }) {
  let stopped = false;
  let controller = null;
  let attempt = 0;
  let wake = null;

  const sleep = (ms) => new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(t);
      resolve();
    };
  });

  async function run() {
    while (!stopped) {
      controller = new AbortController();
      onState(attempt ? 'reconnecting' : 'connecting', { attempt });
      let error = null;
      try {
        const res = await fetch(url, {
          headers: { ...authHeaders(), Accept: 'text/event-stream' }, signal: controller.signal, cache: 'no-store', credentials: 'omit',
        });
        if (!res.ok) {
          const err = await failure(res);
          if ([401, 403, 404].includes(res.status)) {
            onState('failed', err);
            return;
          }
          throw err;
        }
        attempt = 0;
        onState('open', {});
        await pump(res.body, controller, onEvent);
      } catch (e) {
        error = e;
      }
      if (stopped) return;
      attempt += 1;
      const delayMs = Math.round(Math.min(15000, 500 * 2 ** Math.min(attempt - 1, 5)) * (0.8 + Math.random() * 0.4));
      onState('reconnecting', { attempt, delayMs, error });
      await sleep(delayMs);
    }
  }

  run();
  return () => {
    stopped = true;
    if (controller) controller.abort();
    if (wake) wake();
  };
}

async function pump(body, controller, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let timer = null;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), SILENCE_MS);
  };
  arm();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      arm();
      buffer += value;
      let cut;
      while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
        const ev = parse(block);
        if (ev) onEvent(ev);
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/** One event block (lines "event:", "data:", "id:"; ":" comments ignored). */
export function parse(block) {
  let event = 'message';
  let id = null;
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const name = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (name === 'event') event = value;
    else if (name === 'data') data.push(value);
    else if (name === 'id') id = value;
  }
  return data.length ? { event, id, data: data.join('\n') } : null;
}
