/** Issue 5, security: owner scoping on every route, safe keys and names, short-lived URLs, limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../dev/local-stack';
import { apiClient } from '../support/api-client';
import { listKeys } from '../support/s3-objects';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, env: { DOWNLOAD_URL_TTL_SECONDS: '120', UPLOAD_URL_TTL_SECONDS: '90', IMPORT_MAX_BYTES: '1000000' } });
});
afterAll(async () => {
  await stack?.stop();
});

describe('owner scoping', () => {
  it('every route answers 404 for another owner’s export and import, and nothing is listed across owners', async () => {
    const owner = apiClient(stack.url, 'sec-owner');
    const other = apiClient(stack.url, 'sec-other');
    const exported = await owner.createExport({ type: 'orders', format: 'csv', params: { rows: 10 } });
    const imported = await owner.call('POST', '/v1/imports', { type: 'contacts', fileName: 'c.csv', size: 10 });
    expect(exported.status).toBe(202);
    expect(imported.status).toBe(201);
    for (const id of [exported.body.id, imported.body.id]) {
      const answers = [
        await other.get(id),
        await other.cancel(id),
        await other.clear(id),
        await other.call('POST', `/v1/tasks/${id}/start`),
      ];
      for (const res of answers) {
        expect(res.status).toBe(404);
        expect(JSON.stringify(res.body)).not.toContain(id);
      }
    }
    expect((await other.list()).body.tasks).toEqual([]);
    expect((await other.list('?kind=import')).body.tasks).toEqual([]);
    expect((await other.current('export', 'orders')).status).toBe(404);
    expect((await other.current('import', 'contacts')).status).toBe(404);
    // The owner still sees both, untouched.
    expect((await owner.get(exported.body.id)).status).toBe(200);
    expect((await owner.get(imported.body.id)).body.phase).toBe('awaiting_upload');
    const mine = (await owner.list()).body.tasks.map((t: { id: string }) => t.id);
    expect(mine).toEqual(expect.arrayContaining([exported.body.id, imported.body.id]));
  });

  it('an owner whose name looks like a hash tag or a key cannot reach another owner’s keys', async () => {
    const victim = apiClient(stack.url, 'victim');
    const created = await victim.createExport({ type: 'orders', format: 'csv', params: { rows: 5 } });
    for (const trick of ['victim}', '{victim}', 'victim}:task', '*', 'victim:task']) {
      expect((await apiClient(stack.url, trick).get(created.body.id)).status).toBe(404);
    }
  });
});

describe('file names, keys and URLs', () => {
  const nasty = [
    { fileName: '../../etc/passwd', expect: '_.._etc_passwd.csv' },
    { fileName: 'a\\b/c.csv', expect: 'a_b_c.csv' },
    { fileName: 'line\r\nbreak\u0000\u0007.csv', expect: 'linebreak.csv' },
    { fileName: 'say "hi"; x=1', expect: 'say _hi_; x=1.csv' },
    { fileName: 'Größe – 名前 ☃', expect: 'Größe – 名前 ☃.csv' },
  ];

  for (const c of nasty) {
    it(`"${JSON.stringify(c.fileName)}" → a safe key and a correct Content-Disposition`, async () => {
      const api = apiClient(stack.url, `names-${c.expect.length}-${Math.random()}`);
      const created = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 3 }, fileName: c.fileName });
      expect(created.status).toBe(202);
      expect(created.body.fileName).toBe(c.expect);
      const done = await api.waitFor(created.body.id);
      const url = new URL(done.url);
      // The key is built from the owner's hash and the task id only.
      expect(url.pathname).toMatch(new RegExp(`^/${stack.bucket}/exports/[0-9a-f]{32}/${created.body.id}\\.csv$`));
      const disposition = url.searchParams.get('response-content-disposition')!;
      expect(disposition).not.toMatch(/[\r\n\u0000]/);
      expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''[A-Za-z0-9%._~!$&+,;=:@-]+$/);
      const encoded = disposition.split("filename*=UTF-8''")[1]!;
      expect(decodeURIComponent(encoded)).toBe(c.expect);
      const ascii = /filename="([^"]*)"/.exec(disposition)![1]!;
      expect(ascii).not.toMatch(/["\\]/);
      const keys = await listKeys(stack.s3, stack.bucket, 'exports/');
      expect(keys.some((k) => k.includes('..') || k.includes('passwd') || /[^\x21-\x7e]/.test(k))).toBe(false);
    });
  }

  it('presigned URLs expire in the configured seconds and are never stored', async () => {
    const api = apiClient(stack.url, 'urls');
    const created = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 3 } });
    const done = await api.waitFor(created.body.id);
    expect(new URL(done.url).searchParams.get('X-Amz-Expires')).toBe('120');
    const again = (await api.get(created.body.id)).body;
    expect(new URL(again.url).searchParams.get('X-Amz-Expires')).toBe('120');
    const upload = await api.call('POST', '/v1/imports', { type: 'contacts', fileName: 'c.csv', size: 10 });
    expect(new URL(upload.body.upload.url).searchParams.get('X-Amz-Expires')).toBe('90');
    expect(Date.parse(upload.body.upload.expiresAt) - Date.now()).toBeLessThanOrEqual(90_000);
    // Nothing signed is kept in Redis.
    for (const key of await stack.redis.keys('aft:{urls}:*')) {
      const type = await stack.redis.type(key);
      const content = type === 'hash' ? JSON.stringify(await stack.redis.hgetall(key)) : type === 'string' ? String(await stack.redis.get(key)) : JSON.stringify(await stack.redis.zrange(key, 0, -1));
      expect(content).not.toMatch(/X-Amz-Signature|https?:\/\//);
    }
  });
});

describe('limits', () => {
  it('request bodies, parameters, row counts and import sizes are bounded with clear errors', async () => {
    const api = apiClient(stack.url, 'limits');
    const big = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 10 }, fileName: 'x'.repeat(17_000) });
    expect(big.status).toBe(413);
    const rows = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 10_000_000 } });
    expect(rows.status).toBe(400);
    expect(rows.body.error.details[0]).toMatchObject({ field: 'params.rows' });
    const statuses = await api.createExport({ type: 'orders', format: 'csv', params: { status: Array(50).fill('paid') } });
    expect(statuses.status).toBe(400);
    expect(statuses.body.error.details[0].field).toBe('params.status');
    const key = await api.createExport({ type: 'orders', format: 'csv' }, { 'idempotency-key': 'k'.repeat(300) });
    expect(key.status).toBe(400);
    expect(key.body.error.details[0].field).toBe('Idempotency-Key');
    const upload = await api.call('POST', '/v1/imports', { type: 'contacts', fileName: 'big.csv', size: 1_000_001 });
    expect(upload.status).toBe(413);
    expect(upload.body.error.details[0].field).toBe('size');
    expect(upload.body.error.message).toMatch(/1,000,000|1 MB|bytes/);
    const huge = await fetch(`${stack.url}/v1/exports`, { method: 'POST', headers: { 'x-dev-user': 'limits', 'content-type': 'application/json' }, body: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
  });
});
