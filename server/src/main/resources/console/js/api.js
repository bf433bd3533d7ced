// The console's only way to the API: same origin, the key from sessionStorage in X-API-Key, errors as problem documents.

const KEY = 'consentry.key';
export const API = '/api/v1';

/** An RFC 9457 problem from the server (or a network failure, code NETWORK). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.code = problem.code || '';
  }

  /** What the user reads: the server's detail, its code and request id. */
  describe() {
    const p = this.problem;
    const extra = [p.code, p.requestId ? `request ${p.requestId}` : ''].filter(Boolean).join(', ');
    return extra ? `${this.message} (${extra})` : this.message;
  }
}

export function currentKey() {
  return sessionStorage.getItem(KEY);
}

export function storeKey(secret) {
  sessionStorage.setItem(KEY, secret);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
}

let sessionEndedHandler = () => {};

/** Called once a request is answered 401: the key is unknown, revoked or expired. */
export function onSessionEnded(fn) {
  sessionEndedHandler = fn;
}

/** Headers carrying the key (for fetches made outside {@link api}, e.g. event streams). */
export function authHeaders() {
  const k = currentKey();
  return k ? { 'X-API-Key': k } : {};
}

async function readProblem(res) {
  const type = res.headers.get('content-type') || '';
  try {
    if (type.includes('json')) {
      return await res.json();
    }
    const text = await res.text();
    return { title: res.statusText, detail: text.slice(0, 300) || `HTTP ${res.status}` };
  } catch (e) {
    return { title: res.statusText, detail: `HTTP ${res.status}` };
  }
}

/** Turns a failed response into an ApiError; a 401 ends the session. */
export async function failure(res) {
  const err = new ApiError(res.status, await readProblem(res));
  if (res.status === 401) {
    sessionEndedHandler(err);
  }
  return err;
}

/**
 * Calls the API. Options: method, query (object), json (body), form (FormData), file (a File sent as the raw body),
 * raw (return the Response), signal.
 * Resolves with parsed JSON (or text, or null for 204); rejects with ApiError.
 */
export async function api(path, { method = 'GET', query, json, form, file, raw = false, signal } = {}) {
  const headers = authHeaders();
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  } else if (file) {
    headers['Content-Type'] = file.type || 'application/octet-stream';
    body = file;
  }
  let url = API + path;
  if (query) {
    const q = new URLSearchParams();
    Object.entries(query).forEach(([k, v]) => {
      if (v !== undefined && v !== null && v !== '') q.set(k, v);
    });
    if ([...q].length) url += '?' + q;
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body, signal, cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { code: 'NETWORK', title: 'Network error', detail: 'the server could not be reached' });
  }
  if (!res.ok) {
    throw await failure(res);
  }
  if (raw) return res;
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') || '';
  return type.includes('json') ? res.json() : res.text();
}
