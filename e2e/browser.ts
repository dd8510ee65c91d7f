// Browser tests: the real server on a free port, on a fresh test database, driven by Debian's
// Chromium through playwright-core. Screenshots go to test-output/.
import { serve } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createDemoTestDb } from '../src/app/testing.ts';
import { createTestApp } from '../src/app/testing-web.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const OUTPUT = 'test-output';

export async function startTestServer(opts: { demo?: boolean } = {}) {
  const { odb, app, config } = await createTestApp(opts.demo ? { odb: await createDemoTestDb() } : {});
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  return {
    odb,
    app,
    config,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.close();
      await odb.close();
    },
  };
}

/** A browser action's time limit. It catches a hang, not a slow machine: CI runs the two
 *  backends' suites side by side on two cores, where a page computing a salary can take over
 *  Playwright's default 30 s. */
const ACTION_TIMEOUT_MS = 120_000;

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(OUTPUT, { recursive: true });
  const browser = await launch();
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    return context;
  };
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    page.setDefaultTimeout(ACTION_TIMEOUT_MS);
    return page;
  };
  return browser;
}

function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Merges one test's action counts into test-output/action-counts.json under its key. */
export function recordActionCounts(key: string, counts: Record<string, unknown>): void {
  const file = `${OUTPUT}/action-counts.json`;
  let all: Record<string, unknown> = {};
  try {
    if (existsSync(file)) all = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    all = {};
  }
  all[key] = { ...((all[key] as object) ?? {}), ...counts };
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}

/** A page whose every action a person would make (click, typed field, selection, file choice) is counted. */
export function counted(page: Page) {
  let n = 0;
  return {
    get n() {
      return n;
    },
    click: async (sel: Parameters<Page['click']>[0]) => {
      n++;
      await page.click(sel);
    },
    fill: async (sel: string, v: string) => {
      n++;
      await page.fill(sel, v);
    },
    select: async (sel: string, v: Parameters<Page['selectOption']>[1]) => {
      n++;
      await page.selectOption(sel, v);
    },
    /** One file choice, even with several files picked at once in the file dialog. */
    file: async (sel: string, f: Parameters<Page['setInputFiles']>[1]) => {
      n++;
      await page.setInputFiles(sel, f);
    },
  };
}
