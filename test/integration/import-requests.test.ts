/** POST /v1/imports and POST /v1/tasks/{id}/start, with the worker off so the queue's content can be asserted. */
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../dev/local-stack';
import { uploadKey } from '../../lambdas/core/object-keys';
import { apiClient } from '../support/api-client';
import { createImport, putUpload, readObject, startImport } from '../support/import-files';
import { queueDepth, receiveOne } from '../support/queue';

let stack: LocalStack;
const MAX = 1000;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, worker: false, env: { IMPORT_MAX_BYTES: String(MAX) } });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  await stack.sqs.send(new PurgeQueueCommand({ QueueUrl: stack.queueUrl }));
});

describe('POST /v1/imports', () => {
  const cases: { name: string; body: unknown; status: number; field: string }[] = [
    { name: 'no body', body: undefined, status: 400, field: '(body)' },
    { name: 'missing type', body: { fileName: 'a.csv', size: 10 }, status: 400, field: 'type' },
    { name: 'unknown type', body: { type: 'orders', fileName: 'a.csv', size: 10 }, status: 400, field: 'type' },
    { name: 'missing file name', body: { type: 'contacts', size: 10 }, status: 400, field: 'fileName' },
    { name: 'missing size', body: { type: 'contacts', fileName: 'a.csv' }, status: 400, field: 'size' },
    { name: 'size zero', body: { type: 'contacts', fileName: 'a.csv', size: 0 }, status: 400, field: 'size' },
    { name: 'size negative', body: { type: 'contacts', fileName: 'a.csv', size: -5 }, status: 400, field: 'size' },
    { name: 'size fractional', body: { type: 'contacts', fileName: 'a.csv', size: 1.5 }, status: 400, field: 'size' },
    { name: 'size a string', body: { type: 'contacts', fileName: 'a.csv', size: '10' }, status: 400, field: 'size' },
    { name: 'dryRun not a boolean', body: { type: 'contacts', fileName: 'a.csv', size: 10, dryRun: 'yes' }, status: 400, field: 'dryRun' },
    { name: 'an upload key of its own', body: { type: 'contacts', fileName: 'a.csv', size: 10, key: '../x' }, status: 400, field: '(body)' },
    { name: 'past the size cap', body: { type: 'contacts', fileName: 'a.csv', size: MAX + 1 }, status: 413, field: 'size' },
  ];
  for (const c of cases) {
    it(`refuses ${c.name} (${c.status}, field ${c.field})`, async () => {
      const res = await createImport(apiClient(stack.url, 'req-bad'), c.body);
      expect(res.status).toBe(c.status);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(c.field);
    });
  }

  it('returns 201 with the task awaiting its upload and a presigned PUT bound to the size, under a key of ours', async () => {
    const api = apiClient(stack.url, 'req-ok');
    const res = await createImport(api, { type: 'contacts', fileName: '../../etc/Contacts 2026.XLSX', size: 123, dryRun: true });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/tasks/${res.body.id}`);
    expect(res.body).toMatchObject({
      kind: 'import',
      type: 'contacts',
      format: 'xlsx',
      phase: 'awaiting_upload',
      status: 0,
      state: false,
      url: null,
      result: null,
      upload: { method: 'PUT', headers: { 'Content-Length': '123' } },
    });
    expect(res.body.fileName).not.toContain('/');
    const url = new URL(res.body.upload.url);
    expect(decodeURIComponent(url.pathname)).toContain(uploadKey('req-ok', res.body.id));
    expect(url.pathname).not.toMatch(/contacts/i);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toContain('content-length');
    expect(Date.parse(res.body.upload.expiresAt)).toBeGreaterThan(Date.now());
    // The task is readable like any other, and nothing is queued before start.
    expect((await api.get(res.body.id)).body.phase).toBe('awaiting_upload');
    expect(await queueDepth(stack.sqs, stack.queueUrl)).toBe(0);
    await api.clear(res.body.id);
  });

  it('one active import per owner and type: a second is 409 with the first; the same Idempotency-Key is 200 with it', async () => {
    const api = apiClient(stack.url, 'req-one');
    const body = { type: 'contacts', fileName: 'a.csv', size: 10 };
    const first = await createImport(api, body, { 'idempotency-key': 'k1' });
    expect(first.status).toBe(201);
    const again = await createImport(api, body, { 'idempotency-key': 'k1' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.upload.url).toEqual(expect.any(String));
    const second = await createImport(api, { ...body, fileName: 'b.csv' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('task_active');
    expect(second.body.task.id).toBe(first.body.id);
    await api.clear(first.body.id);
  });
});

describe('POST /v1/tasks/{id}/start', () => {
  it('refuses to start before the upload (409 upload_missing), for another owner (404), and an export (409)', async () => {
    const api = apiClient(stack.url, 'req-start');
    const created = await createImport(api, { type: 'contacts', fileName: 'a.csv', size: 20 });
    const early = await startImport(api, created.body.id);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('upload_missing');
    expect(early.body.task.phase).toBe('awaiting_upload');
    expect((await startImport(apiClient(stack.url, 'req-other'), created.body.id)).status).toBe(404);
    expect((await startImport(api, 'no-such-task')).status).toBe(404);
    expect(await queueDepth(stack.sqs, stack.queueUrl)).toBe(0);
    await api.clear(created.body.id);

    const exp = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 1 } });
    const startExport = await startImport(api, exp.body.id);
    expect(startExport.status).toBe(409);
    expect(startExport.body.error.code).toBe('task_not_awaiting_upload');
  });

  it('an upload larger than declared is refused and discarded; the task stays awaiting_upload; the right file then starts', async () => {
    const api = apiClient(stack.url, 'req-size');
    const file = 'name,email\r\nA,a@example.com\r\n';
    const created = await createImport(api, { type: 'contacts', fileName: 'a.csv', size: Buffer.byteLength(file), dryRun: true });
    // fauxqs does not enforce the signed Content-Length, so a client can send more: start must notice.
    expect(await putUpload(created.body.upload, `${file}C,c@example.com\r\n`)).toBe(200);
    const wrong = await startImport(api, created.body.id);
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.code).toBe('upload_size_mismatch');
    expect(wrong.body.task.phase).toBe('awaiting_upload');
    expect(await readObject(stack.s3, stack.bucket, uploadKey('req-size', created.body.id))).toBeNull();
    expect(await queueDepth(stack.sqs, stack.queueUrl)).toBe(0);

    expect(await putUpload(created.body.upload, file)).toBe(200);
    const started = await startImport(api, created.body.id);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: created.body.id, phase: 'queued', status: 0 });
    const message = await receiveOne(stack.sqs, stack.queueUrl);
    expect(JSON.parse(message!.Body!)).toMatchObject({
      v: 1,
      taskId: created.body.id,
      owner: 'req-size',
      kind: 'import',
      type: 'contacts',
      upload: { key: uploadKey('req-size', created.body.id), size: Buffer.byteLength(file) },
      dryRun: true,
    });
    const twice = await startImport(api, created.body.id);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('task_not_awaiting_upload');
    await api.clear(created.body.id);
  });
});
