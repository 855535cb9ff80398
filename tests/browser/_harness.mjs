// What every browser test gets: a fresh browser context and page on the
// running server, an API client for checking state, screenshots, and a few
// assertions. Tests are plain async functions exported from *.mjs files.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const DEMO = {
  admin: { email: 'admin@demo.test', password: 'demo-admin' },
  staff: { email: 'reception@demo.test', password: 'demo-staff' },
  patient: { email: 'patient1@demo.test', password: 'demo-patient' },
};

/** A small cookie-keeping client for /api/v1, for arranging and checking state. */
export class ApiClient {
  constructor(base) {
    this.base = base;
    this.cookie = '';
    this.csrf = '';
  }

  async request(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (this.cookie) headers.Cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['X-CSRF-Token'] = this.csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(this.base + '/api/v1' + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = text;
    }
    if (!res.ok) {
      const err = new Error(`${method} ${path} -> ${res.status}: ${data?.detail || text}`);
      err.status = res.status;
      err.data = data;
      throw err;
    }
    return data;
  }

  get(path) {
    return this.request('GET', path);
  }

  post(path, body = {}) {
    return this.request('POST', path, body);
  }

  patch(path, body = {}) {
    return this.request('PATCH', path, body);
  }

  async login(who) {
    const data = await this.post('/auth/login', who);
    this.csrf = (data.user || data).csrf_token;
    return data.user || data;
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error('assertion failed: ' + message);
}

export function assertEqual(actual, expected, message) {
  if (actual !== expected) {
    throw new Error(`assertion failed: ${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** Polls fn until it returns a truthy value (or throws after timeout ms). */
export async function eventually(fn, message, timeout = 10000) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out: ${message}${last ? ` (${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The per-test context handed to each test function. */
export async function makeTestContext({ browser, baseURL, shotsDir, prefix, timezoneId }) {
  const contexts = [];
  const pageErrors = [];
  const consoleErrors = [];
  let shots = 0;
  mkdirSync(shotsDir, { recursive: true });

  async function newPage(options = {}) {
    const context = await browser.newContext({
      baseURL,
      viewport: { width: 1366, height: 900 },
      locale: 'en-GB',
      timezoneId,
      ...options,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    return page;
  }

  const t = {
    baseURL,
    DEMO,
    pageErrors,
    consoleErrors,
    newPage,
    page: await newPage(),
    api: new ApiClient(baseURL),
    async apiAs(who) {
      const c = new ApiClient(baseURL);
      await c.login(who);
      return c;
    },
    /** Saves a full-page screenshot as build/results/screenshots/<file>-NN-<name>.png. */
    async shot(name, page = t.page) {
      shots++;
      const file = join(shotsDir, `${prefix}-${String(shots).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    /** Logs in through the staff login screen. */
    async staffLogin(who = DEMO.staff, page = t.page) {
      await page.goto('/');
      await page.getByLabel('Email').fill(who.email);
      await page.getByLabel('Password').fill(who.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('button', { name: 'Log out' }).waitFor();
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
    },
  };
  return t;
}
