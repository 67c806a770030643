/**
 * Shared set-up of the browser tests: Chromium from Debian (/usr/bin/chromium, `apt-get install -y chromium`)
 * driven by playwright-core, against the local stack started in-process with the demo page freshly built.
 * Without Chromium the tests skip locally (with the reason in their name) and fail loudly in CI (CI set).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../dev/local-stack';
import { buildWeb } from '../../web/build';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM_PATH);
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';

/** Skip only when Chromium is missing outside CI; in CI a missing browser must fail the run. */
export const skipBrowser = !hasChromium && !inCi;
export const browserSuiteName = (name: string) => (skipBrowser ? `${name} — SKIPPED: Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)` : name);

export interface BrowserEnv {
  stack: LocalStack;
  browser: Browser;
  stop(): Promise<void>;
}

export async function startBrowserEnv(): Promise<BrowserEnv> {
  if (!hasChromium) throw new Error(`Chromium is required for the browser tests but ${CHROMIUM_PATH} does not exist: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  await buildWeb();
  const stack = await startLocalStack({ port: 0 });
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return {
    stack,
    browser,
    async stop() {
      await browser.close().catch(() => undefined);
      await stack.stop();
    },
  };
}

/** A fresh context whose page acts as `user` (the demo page reads it from localStorage). */
export async function openPage(env: BrowserEnv, user: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await env.browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true, locale: 'en-US', timezoneId: 'UTC' });
  await context.addInitScript((u) => localStorage.setItem('async-file-tasks.user', u), user);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await gotoReady(page, env.stack.url);
  return { context, page, errors };
}

/** Loads (or reloads) the page and waits until it has read the catalog and the current tasks. */
export async function gotoReady(page: Page, url: string) {
  await page.goto(`${url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
}

export const tid = (id: string) => `[data-testid="${id}"]`;

/** Polls `read` until `done` holds, collecting every value seen. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, intervalMs = 100): Promise<T[]> {
  const seen: T[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    seen.push(value);
    if (done(value)) return seen;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
