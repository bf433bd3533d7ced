// Entry point: sign-in, the role's pages, hash routing, sign-out when the key stops working.
import { api, currentKey, storeKey, forgetKey, onSessionEnded } from './api.js';
import { h, clear } from './ui.js';
import * as subjects from './pages/subjects.js';
import * as collections from './pages/collections.js';
import * as identify from './pages/identify.js';
import * as live from './pages/live.js';
import * as review from './pages/review.js';
import * as audit from './pages/audit.js';
import * as redact from './pages/redact.js';
import * as access from './pages/access.js';
import * as evaluation from './pages/evaluation.js';

const ALL = ['admin', 'enroller', 'operator', 'reviewer', 'auditor'];

/** Every page and the roles that see it; the server checks the same roles again on every call. */
const PAGES = [
  { id: 'subjects', title: 'Subjects', roles: ['enroller'], page: subjects },
  { id: 'identify', title: 'Identify', roles: ['operator'], page: identify },
  { id: 'live', title: 'Live view', roles: ['operator', 'admin'], page: live },
  { id: 'redact', title: 'Redaction', roles: ['operator'], page: redact },
  { id: 'review', title: 'Review queue', roles: ['reviewer'], page: review },
  { id: 'audit', title: 'Audit', roles: ['auditor'], page: audit },
  { id: 'collections', title: 'Collections', roles: ALL, page: collections },
  { id: 'access', title: 'Keys & authorisations', roles: ['admin'], page: access },
  { id: 'evaluation', title: 'Evaluation', roles: ALL, page: evaluation },
];

const el = (id) => document.getElementById(id);
let me = null;
let cleanup = null;

function pagesFor(role) {
  return PAGES.filter((p) => p.roles.includes(role));
}

function showLogin(message) {
  runCleanup();
  me = null;
  el('shell').hidden = true;
  el('who').hidden = true;
  el('logout').hidden = true;
  clear(el('nav'));
  clear(el('main'));
  el('login').hidden = false;
  el('login-message').textContent = message || '';
  el('login-key').value = '';
  el('login-key').focus();
  if (location.hash) history.replaceState(null, '', location.pathname);
}

function runCleanup() {
  if (cleanup) {
    try {
      cleanup();
    } catch (e) {
      // the page is gone either way
    }
    cleanup = null;
  }
}

function showShell() {
  el('login').hidden = true;
  el('shell').hidden = false;
  const who = el('who');
  clear(who, h('span.name', me.name), ' ', h('span.role', { dataset: { role: me.role } }, me.role));
  who.hidden = false;
  el('logout').hidden = false;
  const nav = clear(el('nav'));
  for (const p of pagesFor(me.role)) {
    nav.append(h('a', { href: `#/${p.id}`, id: `nav-${p.id}`, dataset: { page: p.id } }, p.title));
  }
  route();
}

function route() {
  if (!me) return;
  const allowed = pagesFor(me.role);
  const wanted = (location.hash.match(/^#\/([\w-]+)/) || [])[1];
  const page = allowed.find((p) => p.id === wanted) || allowed[0];
  if (page.id !== wanted) {
    history.replaceState(null, '', `#/${page.id}`);
  }
  document.querySelectorAll('#nav a').forEach((a) => {
    if (a.dataset.page === page.id) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  runCleanup();
  const main = clear(el('main'));
  main.dataset.page = page.id;
  document.title = `${page.title} · Consentry console`;
  const ctx = { me, role: me.role, params: new URLSearchParams(location.hash.split('?')[1] || '') };
  const result = page.page.render(main, ctx);
  cleanup = typeof result === 'function' ? result : null;
  main.focus({ preventScroll: true });
}

async function signIn(secret) {
  storeKey(secret);
  try {
    me = await api('/me');
    showShell();
  } catch (err) {
    forgetKey();
    showLogin(err.status === 401 ? `The key was not accepted: ${err.describe()}` : `Sign-in failed: ${err.describe()}`);
  }
}

onSessionEnded((err) => {
  if (!me) return;
  forgetKey();
  showLogin(`You were signed out: the server no longer accepts this key (revoked or expired). ${err.describe()}`);
});

el('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const secret = el('login-key').value.trim();
  if (secret) signIn(secret);
});

el('logout').addEventListener('click', () => {
  forgetKey();
  showLogin('Signed out.');
});

window.addEventListener('hashchange', route);

if (currentKey()) {
  signIn(currentKey());
} else {
  showLogin('');
}
