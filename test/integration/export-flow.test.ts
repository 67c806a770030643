/**
 * Issue 2 through the local stack's HTTP API: real redis-server (cluster mode), fauxqs for S3 and SQS, the real
 * AWS SDK clients, the same handlers as in AWS.
 */
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../dev/local-stack';
import { generateOrders, ordersParams } from '../../lambdas/catalog/orders-export';
import { apiClient } from '../support/api-client';
import { listKeys, openMultipartUploads } from '../support/s3-objects';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0 });
});
afterAll(async () => {
  await stack?.stop();
});

/** What the generator produces, as text the way each file format shows it. */
function expectedRows(rows: number, seed = 1) {
  return [...generateOrders(ordersParams.parse({ rows, seed }))];
}

describe('export end to end', () => {
  it('produces an xlsx whose every row equals the generator', async () => {
    const api = apiClient(stack.url, 'alice');
    const created = await api.createExport({ type: 'orders', format: 'xlsx', params: { rows: 3000, seed: 7 }, fileName: 'Q3 orders' });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ kind: 'export', type: 'orders', format: 'xlsx', phase: 'queued', status: 0, state: false, url: null, fileName: 'Q3 orders.xlsx' });

    const done = await api.waitFor(created.body.id);
    expect(done).toMatchObject({ phase: 'succeeded', status: 2, state: true, result: { rows: 3000, sheets: 1 }, progress: { processed: 3000, total: 3000, percent: 100 } });
    const url = new URL(done.url);
    expect(url.searchParams.get('response-content-disposition')).toContain(`filename*=UTF-8''Q3%20orders.xlsx`);
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBe(300);

    const download = await fetch(done.url);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(done.result.bytes);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(3001);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['Order ID', 'Ordered at', 'Customer', 'Email', 'Country', 'Status', 'Items', 'Total', 'Paid', 'Note']);
    const expected = expectedRows(3000, 7);
    for (let i = 0; i < expected.length; i++) {
      const actual = (sheet.getRow(i + 2).values as unknown[]).slice(1);
      const want = expected[i]!.map((v) => (v === '' ? undefined : v));
      while (actual.length < want.length) actual.push(undefined);
      expect(actual, `row ${i + 2}`).toEqual(want);
    }
  });

  it('produces a csv whose every row equals the generator, with formulas neutralised', async () => {
    const api = apiClient(stack.url, 'bob');
    const created = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 4000 } });
    expect(created.status).toBe(202);
    const done = await api.waitFor(created.body.id);
    expect(done.phase).toBe('succeeded');
    const text = Buffer.from(await (await fetch(done.url)).arrayBuffer());
    expect([...text.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.toString('utf8')).toContain('\r\n');
    const records: string[][] = parse(text, { bom: true });
    expect(records.length).toBe(4001);
    const expected = expectedRows(4000);
    let neutralised = 0;
    expected.forEach((row, i) => {
      const actual = records[i + 1]!;
      const note = row[9] as string;
      if (/^[=+\-@\t\r]/.test(note)) {
        neutralised++;
        expect(actual[9]).toBe(`'${note}`);
      } else expect(actual[9]).toBe(note);
      expect(actual[0]).toBe(row[0]);
      expect(actual[1]).toBe((row[1] as Date).toISOString().replace('.000Z', 'Z'));
      expect(actual[2]).toBe(row[2]);
      expect(Number(actual[6])).toBe(row[6]);
      expect(Number(actual[7])).toBe(row[7]);
      expect(actual[8]).toBe(String(row[8]));
    });
    expect(neutralised).toBeGreaterThan(100);
  });

  it('hides a task from every other owner: read, cancel and clear are 404', async () => {
    const alice = apiClient(stack.url, 'owner-a');
    const mallory = apiClient(stack.url, 'owner-b');
    const created = await alice.createExport({ type: 'orders', format: 'csv', params: { rows: 50 } });
    const id = created.body.id;
    for (const res of [await mallory.get(id), await mallory.cancel(id), await mallory.clear(id)]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await mallory.current('export', 'orders')).status).toBe(404);
    expect((await mallory.list()).body.tasks).toEqual([]);
    const done = await alice.waitFor(id);
    expect(done.phase).toBe('succeeded');
  });

  it('cancels a large export mid-run and leaves no object and no open multipart upload', async () => {
    const api = apiClient(stack.url, 'dave');
    const created = await api.createExport({ type: 'orders', format: 'xlsx', params: { rows: 1_500_000 } });
    const id = created.body.id;
    await api.waitFor(id, (t) => t.phase === 'running' && t.progress.processed > 20_000);
    const cancelled = await api.cancel(id);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.phase).toBe('cancelled');
    // The worker notices at its next checkpoint and aborts the upload.
    const deadline = Date.now() + 20_000;
    while (stack.poller && stack.poller.busy > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(stack.poller?.busy).toBe(0);
    expect(await listKeys(stack.s3, stack.bucket, 'exports/')).not.toContainEqual(expect.stringContaining(id));
    expect(await openMultipartUploads(stack.s3, stack.bucket)).toBe(0);
    const after = await api.get(id);
    expect(after.body).toMatchObject({ phase: 'cancelled', status: 2, state: false, url: null });
  });

  it('clears a finished task: the record and its file are gone, and current is 404', async () => {
    const api = apiClient(stack.url, 'erin');
    const created = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 20 } });
    await api.waitFor(created.body.id);
    expect((await api.current('export', 'orders')).body.id).toBe(created.body.id);
    expect((await api.clear(created.body.id)).status).toBe(204);
    expect((await api.get(created.body.id)).status).toBe(404);
    expect((await api.current('export', 'orders')).status).toBe(404);
    expect(await listKeys(stack.s3, stack.bucket, 'exports/')).not.toContainEqual(expect.stringContaining(created.body.id));
  });
});
