/**
 * Issue 6 in a real browser: the demo page's export panel (start, disabled button, progress, download, reload in
 * the middle, cancel, clear, readable errors) against the local stack, and the README screenshot.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteName, gotoReady, openPage, pollUntil, skipBrowser, startBrowserEnv, tid, type BrowserEnv } from './browser';

let env: BrowserEnv;

beforeAll(async () => {
  if (!skipBrowser) env = await startBrowserEnv();
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

const SCREENSHOT = new URL('../../docs/screenshot.png', import.meta.url);
const SCREENSHOT_TMP = new URL('../../.tmp/screenshot.png', import.meta.url);

describe.skipIf(skipBrowser)(browserSuiteName('demo page: export'), () => {
  it('exports: button disabled while running, progress moves, the download is the file asked for', async () => {
    const { context, page, errors } = await openPage(env, 'demo-user');
    await page.fill(tid('param-rows'), '150000');
    await page.selectOption(tid('export-format'), 'xlsx');
    await page.fill(tid('export-filename'), 'Q3 orders');
    await page.click(tid('export-start'));
    await page.waitForSelector(`${tid('export-task')}[data-phase]`);
    expect(await page.isDisabled(tid('export-start'))).toBe(true);

    const percents = await pollUntil(
      // One evaluate, so the three values belong to the same rendering.
      () =>
        page.evaluate(() => ({
          phase: document.querySelector<HTMLElement>('[data-testid="export-task"]')!.dataset.phase,
          percent: document.querySelector<HTMLElement>('[data-testid="export-percent"]')!.dataset.percent,
          disabled: document.querySelector<HTMLButtonElement>('[data-testid="export-start"]')!.disabled,
        })),
      (s) => s.phase === 'succeeded' || s.phase === 'failed',
      90_000,
    );
    expect(percents.at(-1)!.phase).toBe('succeeded');
    // While active the button stayed disabled; progress only grew and was seen between 0 and 100.
    for (const s of percents) if (s.phase === 'queued' || s.phase === 'running') expect(s.disabled).toBe(true);
    const values = percents.map((s) => (s.percent ? Number(s.percent) : 0));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]!);
    expect(values.some((v) => v > 0 && v < 100)).toBe(true);
    expect(await page.textContent(tid('export-percent'))).toBe('100%');
    expect(await page.isEnabled(tid('export-start'))).toBe(true);
    await expect(page.textContent(tid('export-result'))).resolves.toContain('150,000 rows');

    // The download link is a real link to the presigned URL; the browser downloads it as an attachment.
    const link = page.locator(tid('export-download'));
    expect(await link.isVisible()).toBe(true);
    expect(await link.textContent()).toBe('Download Q3 orders.xlsx');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), link.click()]);
    expect(download.suggestedFilename()).toBe('Q3 orders.xlsx');
    const bytes = await readFile((await download.path())!);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]!.rowCount).toBe(150_001);
    expect((workbook.worksheets[0]!.getRow(1).values as unknown[])[1]).toBe('Order ID');

    // The page, done: the README's screenshot (docs/screenshot.png is written when missing or UPDATE_SCREENSHOT=1,
    // so test runs do not churn the committed image; every run leaves a copy in .tmp/).
    await page.locator(tid('recent-tasks')).locator('tr').first().waitFor();
    await mkdir(new URL('.', SCREENSHOT_TMP), { recursive: true });
    await page.screenshot({ path: SCREENSHOT_TMP.pathname, fullPage: true });
    if (!existsSync(SCREENSHOT) || process.env.UPDATE_SCREENSHOT) await copyFile(SCREENSHOT_TMP, SCREENSHOT);
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it('after a reload mid-export the button is still disabled and progress resumes; cancel frees it', async () => {
    const { context, page, errors } = await openPage(env, 'e2e-reload');
    await page.fill(tid('param-rows'), '1500000');
    await page.selectOption(tid('export-format'), 'xlsx');
    await page.click(tid('export-start'));
    const before = await pollUntil(
      async () => Number((await page.getAttribute(tid('export-percent'), 'data-percent')) || 0),
      (p) => p >= 2,
      90_000,
      200,
    );
    const percentBefore = before.at(-1)!;
    const id = await page.getAttribute(tid('export-task'), 'data-task-id');

    await gotoReady(page, env.stack.url);
    // Page initialisation asked for the current task: same task, button disabled, progress from where it was.
    expect(await page.getAttribute(tid('export-task'), 'data-task-id')).toBe(id);
    expect(await page.isDisabled(tid('export-start'))).toBe(true);
    expect(['queued', 'running']).toContain(await page.getAttribute(tid('export-task'), 'data-phase'));
    const after = Number((await page.getAttribute(tid('export-percent'), 'data-percent')) || 0);
    expect(after).toBeGreaterThanOrEqual(percentBefore);
    // And it keeps polling: progress moves again after the reload.
    await pollUntil(async () => Number((await page.getAttribute(tid('export-percent'), 'data-percent')) || 0), (p) => p > after, 60_000, 200);

    await page.click(tid('export-cancel'));
    await page.waitForSelector(`${tid('export-task')}[data-phase="cancelled"]`, { timeout: 30_000 });
    expect(await page.isEnabled(tid('export-start'))).toBe(true);
    expect(await page.isVisible(tid('export-download'))).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it('clear returns the page to its initial state, also after a reload', async () => {
    const { context, page, errors } = await openPage(env, 'e2e-clear');
    expect(await page.isVisible(tid('export-task'))).toBe(false);
    await page.fill(tid('param-rows'), '500');
    await page.selectOption(tid('export-format'), 'csv');
    await page.click(tid('export-start'));
    await page.waitForSelector(`${tid('export-task')}[data-phase="succeeded"]`, { timeout: 60_000 });
    const href = (await page.getAttribute(tid('export-download'), 'href'))!;
    const records: string[][] = parse(Buffer.from(await (await fetch(href)).arrayBuffer()), { bom: true });
    expect(records.length).toBe(501);

    await page.click(tid('export-clear'));
    await page.waitForSelector(tid('export-task'), { state: 'hidden' });
    expect(await page.isEnabled(tid('export-start'))).toBe(true);
    expect(await page.isVisible(tid('export-error'))).toBe(false);
    expect(await page.isVisible(tid('export-download'))).toBe(false);
    await gotoReady(page, env.stack.url);
    expect(await page.isVisible(tid('export-task'))).toBe(false);
    expect(await page.isEnabled(tid('export-start'))).toBe(true);
    // The file is gone with the task.
    expect((await fetch(href)).status).toBe(404);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows the API’s validation errors readably, next to the fields', async () => {
    const { context, page } = await openPage(env, 'e2e-invalid');
    await page.fill(tid('param-rows'), '-5');
    await page.fill(tid('param-from'), '2026-06-01');
    await page.fill(tid('param-to'), '2026-01-01');
    await page.click(tid('export-start'));
    const error = page.locator(tid('export-error'));
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('validation_failed');
    const text = (await error.textContent())!;
    expect(text).toContain('The export parameters are invalid');
    expect(text).toContain('params.rows');
    expect(await page.getAttribute(tid('param-rows'), 'aria-invalid')).toBe('true');
    expect(await page.isEnabled(tid('export-start'))).toBe(true);
    expect(await page.isVisible(tid('export-task'))).toBe(false);
    await context.close();
  }, 60_000);
});
