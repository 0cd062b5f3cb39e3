import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const START_TIMEOUT_MS = 240_000;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`douflow.devrun exited with ${child.exitCode}:\n${log()}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok && (await response.json()).status === 'ok') return;
    } catch {
      // not listening yet
    }
    await new Promise((wake) => setTimeout(wake, 500));
  }
  throw new Error(`${url} was not healthy within ${START_TIMEOUT_MS / 1000} s:\n${log()}`);
}

/**
 * Starts `python -m douflow.devrun` (which builds the console first) with its own ports, database and
 * Temporal state in a temporary folder, waits for the BFF's health, and stops it all afterwards.
 */
export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.DOUFLOW_E2E_BASE_URL) return undefined;
  const [bff, temporal, temporalUi, sandbox] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const data = mkdtempSync(join(tmpdir(), 'douflow-e2e-'));
  const baseUrl = `http://127.0.0.1:${bff}`;
  const env = {
    ...process.env,
    DOUFLOW_ENV: 'development',
    DATA_DIR: data,
    DATABASE_URL: `sqlite+aiosqlite:///${data}/douflow.db`,
    MEDIA_DIR: join(data, 'media'),
    TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`,
    TEMPORAL_UI_PORT: String(temporalUi),
    TASK_QUEUE_PREFIX: `e2e${bff}-`,
    BFF_HOST: '127.0.0.1',
    BFF_PORT: String(bff),
    PUBLIC_BASE_URL: baseUrl,
    DOUYIN_SANDBOX_PORT: String(sandbox),
    DOUYIN_BASE_URL: `http://127.0.0.1:${sandbox}`,
    // The sandbox's webhooks (customer messages, comments) reach this BFF, not the default port's.
    DOUYIN_SANDBOX_WEBHOOK_URL: `${baseUrl}/api/v1/douyin/webhook`,
    WEB_DIST_DIR: join(ROOT, 'web', 'dist'),
    AGENT_PROVIDER: 'template',
  };
  let output = '';
  const child = spawn(join(ROOT, '.venv', 'bin', 'python'), ['-m', 'douflow.devrun'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      process.kill(-child.pid, 'SIGTERM');
      await new Promise((done) => {
        const timer = setTimeout(() => {
          if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
          done(null);
        }, 20_000);
        child.once('exit', () => {
          clearTimeout(timer);
          done(null);
        });
      });
    }
    rmSync(data, { recursive: true, force: true });
  };
  try {
    await waitHealthy(`${baseUrl}/healthz`, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  process.env.DOUFLOW_E2E_BASE_URL = baseUrl;
  return stop;
}
