// Browser tests: the real server on a free port, on a fresh test database, driven by Debian's
// Chromium through playwright-core. Screenshots go to test-output/.
import { serve } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createTestApp } from '../src/web/testing.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const OUTPUT = 'test-output';

export async function startTestServer() {
  const { odb, app, config } = await createTestApp();
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  return { odb, app, config, url: `http://127.0.0.1:${port}`, close: async () => { server.close(); await odb.close(); } };
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(OUTPUT, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Merges one test's action counts into test-output/action-counts.json under its key. */
export function recordActionCounts(key: string, counts: Record<string, unknown>): void {
  const file = `${OUTPUT}/action-counts.json`;
  let all: Record<string, unknown> = {};
  try { if (existsSync(file)) all = JSON.parse(readFileSync(file, 'utf8')); } catch { all = {}; }
  all[key] = { ...(all[key] as object ?? {}), ...counts };
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}
