// Starts a real `xietong serve` on a fresh data dir and a headless Debian chromium.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const webDir = resolve(here, '..');
export const artifactsDir = join(here, 'artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `$XIETONG_BIN serve` on a free port with an empty SQLite data dir,
 * serving the built SPA from web/dist, and waits for /healthz.
 */
export async function startServer({ adminPassword, extraArgs = [] }) {
  const bin = resolve(webDir, process.env.XIETONG_BIN ?? '../target/debug/xietong');
  if (!existsSync(bin)) throw new Error(`server binary not found: ${bin} (set XIETONG_BIN)`);
  const distDir = join(webDir, 'dist');
  if (!existsSync(join(distDir, 'index.html')))
    throw new Error('web/dist missing: run `npm run build`');
  const dataDir = mkdtempSync(join(tmpdir(), 'xietong-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logs = [];
  const child = spawn(
    bin,
    ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, ...extraArgs],
    {
      env: {
        ...process.env,
        XIETONG_ADMIN_PASSWORD: adminPassword,
        XIETONG_WEB_DIR: distDir,
        RUST_LOG: process.env.RUST_LOG ?? 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const keep = (chunk) => {
    logs.push(chunk.toString());
    if (logs.length > 2000) logs.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited)
      throw new Error(`server exited early (${JSON.stringify(exited)}):\n${logs.join('')}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not healthy within 60 s:\n${logs.join('')}`);
    }
    await sleep(100);
  }

  return {
    baseUrl,
    logs: () => logs.join(''),
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        for (let i = 0; i < 50 && !exited; i++) await sleep(100);
        if (!exited) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} missing: run web/scripts/ensure-chromium.sh`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export function ensureArtifacts() {
  mkdirSync(artifactsDir, { recursive: true });
  return artifactsDir;
}
