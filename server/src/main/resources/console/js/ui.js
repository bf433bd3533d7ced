// Small DOM helpers: elements are built with textContent only (never innerHTML), so server text cannot inject markup.

let ids = 0;

/** h('tag.class#id', {attr: value, onclick: fn}, ...children) */
export function h(spec, attrs = {}, ...children) {
  const m = /^([a-z0-9]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
  const el = document.createElement(m[1] || 'div');
  (m[2].match(/[.#][\w-]+/g) || []).forEach((t) => (t[0] === '.' ? el.classList.add(t.slice(1)) : (el.id = t.slice(1))));
  if (attrs instanceof Node || typeof attrs !== 'object' || Array.isArray(attrs) || attrs === null) {
    children.unshift(attrs);
    attrs = {};
  }
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && k !== 'list' && k !== 'form' && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A labelled control: <div class="field"><label for=id>text</label>control hint</div>. */
export function field(text, control, hint) {
  if (!control.id) control.id = uid('f');
  const parts = [h('label', { for: control.id }, text), control];
  if (hint) {
    const hid = uid('hint');
    control.setAttribute('aria-describedby', hid);
    parts.push(h('small.hint', { id: hid }, hint));
  }
  return h('div.field', {}, parts);
}

/** A labelled checkbox (label after the box). */
export function check(text, input) {
  if (!input.id) input.id = uid('c');
  return h('div.check', {}, input, h('label', { for: input.id }, text));
}

export function select(name, options, value) {
  const s = h('select', { name });
  for (const o of options) {
    const [v, t] = Array.isArray(o) ? o : [o, o];
    s.append(h('option', { value: v, selected: v === value }, t));
  }
  return s;
}

/** A status line that reads out politely; kinds: info, ok, error, busy. */
export function status(el, message, kind = 'info') {
  el.className = `status ${kind}`;
  el.textContent = message || '';
  el.hidden = !message;
}

export function statusLine() {
  const el = h('p.status', { role: 'status', 'aria-live': 'polite' });
  el.hidden = true;
  return el;
}

/** Shows an error (ApiError or other) in a status line. */
export function showError(el, err, prefix) {
  const text = err && err.describe ? err.describe() : (err && err.message) || String(err);
  status(el, prefix ? `${prefix}: ${text}` : text, 'error');
}

export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function fmtScore(x, digits = 3) {
  return typeof x === 'number' ? x.toFixed(digits) : '';
}

export function short(id) {
  return id && id.length > 12 ? `${id.slice(0, 8)}…` : id || '';
}

/** A table; columns: [{title, value: row => node|text, cls}]. */
export function table(columns, rows, { caption, empty = 'Nothing yet.', rowAttrs } = {}) {
  if (!rows.length) return h('p.empty', empty);
  return h('div.table-wrap', {},
    h('table', {},
      caption ? h('caption', caption) : null,
      h('thead', h('tr', columns.map((c) => h('th', { scope: 'col', class: c.cls }, c.title)))),
      h('tbody', rows.map((r) => h('tr', rowAttrs ? rowAttrs(r) : {}, columns.map((c) => h('td', { class: c.cls }, c.value(r))))))));
}

/**
 * A modal confirmation (<dialog>): resolves true when the user confirms. Escape or Cancel resolves false.
 */
export function confirmDialog({ title, body, confirmLabel = 'Confirm', danger = false }) {
  return new Promise((resolve) => {
    const titleId = uid('dlg');
    const ok = h('button', { type: 'button', class: danger ? 'danger' : '' }, confirmLabel);
    const cancel = h('button.secondary', { type: 'button' }, 'Cancel');
    const dlg = h('dialog', { 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title), h('div.dialog-body', {}, body), h('div.actions', {}, cancel, ok));
    const done = (v) => {
      dlg.close();
      dlg.remove();
      resolve(v);
    };
    ok.addEventListener('click', () => done(true));
    cancel.addEventListener('click', () => done(false));
    dlg.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(false);
    });
    document.body.append(dlg);
    dlg.showModal();
    cancel.focus();
  });
}

/** Lets the browser save a Blob under a file name. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** A section with a heading. */
export function section(title, ...children) {
  const hid = uid('sec');
  return h('section.card', { 'aria-labelledby': hid }, h('h2', { id: hid }, title), children);
}

export function pageTitle(text, ...extra) {
  return h('div.page-head', {}, h('h1', text), extra);
}
