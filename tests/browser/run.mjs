#!/usr/bin/env node
// Browser test runner: starts the real chairside binary on a free loopback
// port with a scratch database holding the demo clinic, drives Debian's
// Chromium through playwright-core against it, and writes
// "passed failed skipped" to the results file. It builds nothing.
//
//   node tests/browser/run.mjs --bin build/chairside --web build/web \
//        --results build/results/browser.txt [-k SUBSTRING]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeTestContext } from './_harness.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const require = createRequire(join(ROOT, 'web/package.json'));
const TEST_TIMEOUT_MS = 120000;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function parseArgs(argv) {
  const o = { bin: 'build/chairside', web: 'build/web', results: 'build/results/browser.txt', pattern: '' };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--bin') o.bin = argv[++i];
    else if (a === '--web') o.web = argv[++i];
    else if (a === '--results') o.results = argv[++i];
    else if (a === '-k') o.pattern = argv[++i];
    else if (a === '--db-url') o.dbUrl = argv[++i];
    else throw new Error('unknown option ' + a);
  }
  return o;
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function waitHealthy(base, proc, ms = 15000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    try {
      const r = await fetch(base + '/healthz');
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become healthy');
}

function discover(pattern) {
  const files = readdirSync(HERE)
    .filter((f) => f.endsWith('.mjs') && !f.startsWith('_') && f !== 'run.mjs')
    .sort();
  return files;
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what} timed out after ${ms / 1000}s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function main() {
  const opts = parseArgs(process.argv);
  const results = resolve(ROOT, opts.results);
  const resultsDir = dirname(results);
  const shotsDir = join(resultsDir, 'screenshots');
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const failures = [];
  mkdirSync(resultsDir, { recursive: true });
  rmSync(shotsDir, { recursive: true, force: true });
  writeFileSync(results, '');

  const bin = resolve(ROOT, opts.bin);
  const web = resolve(ROOT, opts.web);
  if (!existsSync(bin)) throw new Error(`no server at ${bin} (run make first)`);
  if (!existsSync(join(web, 'index.html'))) throw new Error(`no web build at ${web} (run make first)`);

  const scratch = mkdtempSync(join(tmpdir(), 'chairside-browser-'));
  // An empty PostgreSQL database (scripts/pg_scratch.sh createdb) or a
  // scratch SQLite file: the same demo clinic and the same tests on both.
  const db = opts.dbUrl || join(scratch, 'chairside.db');
  const demo = spawnSync(bin, ['demo', '--db', db], { encoding: 'utf8' });
  if (demo.status !== 0) throw new Error('demo failed: ' + demo.stderr + demo.stdout);
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const logFd = openSync(join(resultsDir, 'browser-server.log'), 'w');
  const server = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web', web], {
    stdio: ['ignore', logFd, logFd],
  });
  let browser;
  try {
    await waitHealthy(baseURL, server);
    const { chromium } = require('playwright-core');
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
    });
    for (const file of discover()) {
      const mod = await import(pathToFileURL(join(HERE, file)).href);
      const tests = Object.entries(mod.tests || {});
      const base = file.replace(/\.mjs$/, '');
      for (let i = 0; i < tests.length; i++) {
        const [name, fn] = tests[i];
        const full = `${base}: ${name}`;
        if (opts.pattern && !full.includes(opts.pattern)) continue;
        const started = Date.now();
        const t = await makeTestContext({
          browser,
          baseURL,
          shotsDir,
          prefix: `${base}-${i + 1}`,
          timezoneId: 'America/New_York',
        });
        let status = 'ok';
        try {
          const r = await withTimeout(Promise.resolve().then(() => fn(t)), TEST_TIMEOUT_MS, full);
          if (r === 'skip') {
            counts.skipped++;
            status = 'skip';
          } else if (t.pageErrors.length) {
            throw new Error('uncaught page errors: ' + t.pageErrors.join(' | '));
          } else {
            counts.passed++;
          }
        } catch (e) {
          counts.failed++;
          status = 'FAIL';
          failures.push([full, e.stack || String(e), t.consoleErrors.slice(0, 5)]);
          await t.shot('failure').catch(() => {});
        } finally {
          await t.close();
        }
        console.log(`${full.padEnd(70)} ${status.padEnd(5)} ${((Date.now() - started) / 1000).toFixed(1)}s`);
        if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode} during ${full}`);
      }
    }
  } finally {
    if (browser) await browser.close().catch(() => {});
    server.kill('SIGTERM');
    rmSync(scratch, { recursive: true, force: true });
    for (const [name, err, consoleErrors] of failures) {
      console.log(`\nFAIL ${name}\n${err}`);
      if (consoleErrors.length) console.log('browser console:\n  ' + consoleErrors.join('\n  '));
    }
    writeFileSync(results, `${counts.passed} ${counts.failed} ${counts.skipped}\n`);
    console.log(`browser: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  }
  return counts.failed === 0;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (e) => {
    console.error('browser runner:', e.stack || e);
    process.exit(1);
  },
);
