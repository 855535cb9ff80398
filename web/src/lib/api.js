// Fetch wrapper for /api/v1: JSON in and out, the session cookie, the CSRF
// token on writes, and problem+json errors turned into ApiError.
const BASE = '/api/v1';
let csrfToken = '';
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.title = problem?.title || '';
    this.detail = problem?.detail || problem?.title || `HTTP ${status}`;
    // [{field, message}] on 422
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
  }

  /** The message for one field, for showing beside it. */
  fieldError(field) {
    return this.errors.find((e) => e.field === field)?.message || '';
  }
}

export function setCsrfToken(token) {
  csrfToken = token || '';
}

/** Called with no arguments whenever the server answers 401. */
export function onUnauthorized(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function query(params) {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export async function request(method, path, { body, params } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(BASE + path + query(params), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, { detail: e.message || 'network error' });
  }
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    if (res.status === 401) listeners.forEach((fn) => fn());
    throw new ApiError(res.status, data);
  }
  return data;
}

export const api = {
  get: (path, params) => request('GET', path, { params }),
  post: (path, body = {}) => request('POST', path, { body }),
  patch: (path, body = {}) => request('PATCH', path, { body }),
  put: (path, body = {}) => request('PUT', path, { body }),
  del: (path) => request('DELETE', path),
};

/** Every page of a list endpoint ({items, next_cursor}), up to max items. */
export async function listAll(path, params = {}, max = 2000) {
  const items = [];
  let cursor;
  do {
    const page = await api.get(path, { ...params, limit: 500, cursor });
    items.push(...(page.items || []));
    cursor = page.next_cursor;
  } while (cursor !== null && cursor !== undefined && items.length < max);
  return items;
}

/** The current session's user, or null when logged out. Keeps its CSRF token. */
export async function currentUser() {
  try {
    const me = await api.get('/me');
    setCsrfToken(me.csrf_token);
    return me;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export async function login(email, password) {
  const data = await api.post('/auth/login', { email, password });
  const user = data.user || data;
  setCsrfToken(user.csrf_token);
  return user;
}

export async function logout() {
  try {
    await api.post('/auth/logout');
  } finally {
    setCsrfToken('');
  }
}
