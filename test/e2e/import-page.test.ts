/** Issue 6 in a real browser: the demo page's import panel (upload with progress, counts, error report, clear). */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteName, gotoReady, openPage, skipBrowser, startBrowserEnv, tid, type BrowserEnv } from './browser';

let env: BrowserEnv;

beforeAll(async () => {
  if (!skipBrowser) env = await startBrowserEnv();
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

/** 200 contacts, every 10th with a broken email and every 25th with an impossible birth date. */
function contactsCsv(rows: number) {
  const lines = ['Name,E-mail,Phone,Country code,Birth date'];
  let invalid = 0;
  for (let i = 1; i <= rows; i++) {
    const badEmail = i % 10 === 0;
    const badDate = i % 25 === 0;
    if (badEmail || badDate) invalid++;
    lines.push([`Person ${i}`, badEmail ? `person${i}-at-example.com` : `person${i}@example.com`, '+49 30 1234567', 'DE', badDate ? '1990-13-45' : '1990-05-17'].join(','));
  }
  return { buffer: Buffer.from(lines.join('\r\n') + '\r\n'), invalid };
}

describe.skipIf(skipBrowser)(browserSuiteName('demo page: import'), () => {
  it('uploads a file with invalid rows: upload progress, counts, the error report downloads; clear resets', async () => {
    const { context, page, errors } = await openPage(env, 'e2e-import');
    await page.waitForSelector(`${tid('import-type')} option[value="contacts"]`, { state: 'attached' });
    expect(await page.isDisabled(tid('import-start'))).toBe(true); // no file chosen yet
    const { buffer, invalid } = contactsCsv(200);
    await page.setInputFiles(tid('import-file'), { name: 'contacts.csv', mimeType: 'text/csv', buffer });
    await page.click(tid('import-start'));
    await page.waitForSelector(`${tid('import-task')}[data-phase="succeeded"]`, { timeout: 90_000 });
    expect(await page.getAttribute(tid('import-upload-percent'), 'data-percent')).toBe('100');
    expect(await page.textContent(tid('import-total'))).toBe('200');
    expect(await page.textContent(tid('import-imported'))).toBe(String(200 - invalid));
    expect(await page.textContent(tid('import-rejected'))).toBe(String(invalid));

    const href = (await page.getAttribute(tid('import-error-report'), 'href'))!;
    expect(await page.isVisible(tid('import-error-report'))).toBe(true);
    const report = await fetch(href);
    expect(report.status).toBe(200);
    const text = Buffer.from(await report.arrayBuffer()).toString('utf8');
    const records: string[][] = parse(text, { bom: true, relax_column_count: true });
    expect(records.length).toBeGreaterThan(invalid); // a header and at least one line per rejected row
    expect(text).toContain('person10-at-example.com');
    expect(text).toContain('1990-13-45');

    // The same task after a reload, then clear: back to the initial state.
    await gotoReady(page, env.stack.url);
    expect(await page.getAttribute(tid('import-task'), 'data-phase')).toBe('succeeded');
    expect(await page.textContent(tid('import-rejected'))).toBe(String(invalid));
    await page.click(tid('import-clear'));
    await page.waitForSelector(tid('import-task'), { state: 'hidden' });
    expect(await page.isVisible(tid('import-result'))).toBe(false);
    expect(await page.isVisible(tid('import-error-report'))).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it('a dry run shows the counts and says nothing was written', async () => {
    const { context, page } = await openPage(env, 'e2e-import-dry');
    await page.waitForSelector(`${tid('import-type')} option[value="contacts"]`, { state: 'attached' });
    const { buffer, invalid } = contactsCsv(30);
    await page.setInputFiles(tid('import-file'), { name: 'dry.csv', mimeType: 'text/csv', buffer });
    await page.check(tid('import-dry-run'));
    await page.click(tid('import-start'));
    await page.waitForSelector(`${tid('import-task')}[data-phase="succeeded"]`, { timeout: 90_000 });
    expect(await page.textContent(tid('import-imported'))).toBe(`${30 - invalid} (dry run)`);
    expect(await page.textContent(tid('import-rejected'))).toBe(String(invalid));
    await context.close();
  }, 120_000);
});
