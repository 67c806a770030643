/**
 * The browser client (web/src/client.ts) in Node against the real local stack (the polling policy, where timing
 * must be exact, is tested with a scripted fetch in wait-policy.test.ts).
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalStack, type LocalStack } from '../../../dev/local-stack';
import { ApiError, createClient, type TaskView } from '../../../web/src/client';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ port: 0 });
});
afterAll(async () => {
  await stack?.stop();
});

const clientFor = (user: string) => createClient({ baseUrl: stack.url, headers: async () => ({ 'X-Dev-User': user }) });

describe('client against the local stack', () => {
  it('reads the catalog', async () => {
    const catalog = await clientFor('u-catalog').catalog();
    const orders = catalog.exports.find((t) => t.name === 'orders')!;
    expect(orders.formats).toEqual(['xlsx', 'csv']);
    expect(orders.params.properties?.rows?.type).toBe('integer');
    expect(orders.params.properties?.status?.items?.enum).toContain('paid');
  });

  it('starts an export, waits with progress, and downloads the file', async () => {
    const api = clientFor('u-export');
    const task = await api.startExport({ type: 'orders', format: 'csv', params: { rows: 3000, seed: 3 }, fileName: 'mine' });
    expect(task).toMatchObject({ kind: 'export', type: 'orders', format: 'csv', phase: 'queued', status: 0, state: false, fileName: 'mine.csv' });
    expect(await api.currentTask('export', 'orders')).toMatchObject({ id: task.id });
    const seen: TaskView[] = [];
    const done = await api.waitForTask(task.id, { minDelayMs: 50, maxDelayMs: 200, onProgress: (t) => seen.push(t) });
    expect(done).toMatchObject({ id: task.id, phase: 'succeeded', status: 2, state: true, result: { rows: 3000 } });
    expect(seen.at(-1)).toEqual(done);
    const percents = seen.map((t) => t.progress.processed);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    const records: string[][] = parse(Buffer.from(await (await fetch(done.url!)).arrayBuffer()), { bom: true });
    expect(records.length).toBe(3001);
    expect((await api.listTasks({ kind: 'export', type: 'orders', limit: 5 })).map((t) => t.id)).toEqual([task.id]);
    await api.clear(task.id);
    expect(await api.currentTask('export', 'orders')).toBeNull();
  });

  it('throws a typed task_active error with the running task on 409, and cancels it', async () => {
    const api = clientFor('u-conflict');
    const first = await api.startExport({ type: 'orders', format: 'xlsx', params: { rows: 1_500_000 } });
    const error = await api.startExport({ type: 'orders', format: 'csv', params: { rows: 10 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'task_active', name: 'ApiError' });
    expect((error as ApiError).task?.id).toBe(first.id);
    const cancelled = await api.cancel(first.id);
    expect(cancelled).toMatchObject({ id: first.id, phase: 'cancelled', status: 2, state: false });
    expect(await api.waitForTask(first.id, { minDelayMs: 50 })).toMatchObject({ phase: 'cancelled' });
    await api.clear(first.id);
  });

  it('returns the same task for the same idempotency key', async () => {
    const api = clientFor('u-idem');
    const a = await api.startExport({ type: 'orders', format: 'csv', params: { rows: 5 } }, { idempotencyKey: 'k-1' });
    const b = await api.startExport({ type: 'orders', format: 'csv', params: { rows: 5 } }, { idempotencyKey: 'k-1' });
    expect(b.id).toBe(a.id);
    await api.waitForTask(a.id, { minDelayMs: 50 });
  });

  it('turns error responses into ApiError with code, message and field details', async () => {
    const api = clientFor('u-errors');
    const invalid = (await api.startExport({ type: 'orders', format: 'xlsx', params: { rows: -1 } }).catch((e: unknown) => e)) as ApiError;
    expect(invalid).toMatchObject({ status: 400, code: 'validation_failed', message: 'The export parameters are invalid' });
    expect(invalid.fieldErrors.map((f) => f.field)).toContain('params.rows');
    const missing = (await api.getTask('no-such-task').catch((e: unknown) => e)) as ApiError;
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    const anonymous = createClient({ baseUrl: stack.url });
    await expect(anonymous.catalog()).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
    const unreachable = createClient({ baseUrl: 'http://127.0.0.1:9', headers: { 'X-Dev-User': 'x' } });
    await expect(unreachable.catalog()).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('sends getAuthHeaders on every call (what a real app does with a bearer token)', async () => {
    const getAuthHeaders = vi.fn(async () => ({ 'X-Dev-User': 'u-auth' }));
    const api = createClient({ baseUrl: `${stack.url}/`, getAuthHeaders });
    await api.catalog();
    expect(await api.currentTask('export', 'orders')).toBeNull();
    expect(getAuthHeaders).toHaveBeenCalledTimes(2);
  });

  it('stops waiting when the signal aborts, with an AbortError', async () => {
    const api = clientFor('u-abort');
    const task = await api.startExport({ type: 'orders', format: 'xlsx', params: { rows: 1_500_000 } });
    const controller = new AbortController();
    const waiting = api.waitForTask(task.id, { signal: controller.signal, minDelayMs: 5000 });
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(2000);
    await api.clear(task.id);
  });

  it('imports a file: create, upload (fetch in Node, with progress), start, result with rejected rows', async () => {
    const api = clientFor('u-import');
    const csv = ['Name,Email,Phone,Country code,Birth date', 'Ada Lovelace,ada@example.com,+44 20 7946 0000,GB,1985-12-10', 'Bad Email,not-an-email,,DE,', 'Grace Hopper,grace@example.com,,US,1906-12-09', 'Bad Date,bad.date@example.com,,FR,1990-13-45'].join('\r\n');
    const file = Object.assign(new Blob([csv], { type: 'text/csv' }), { name: 'contacts.csv' });
    const progress: [number, number][] = [];
    const task = await api.startImport(file, { type: 'contacts', onUploadProgress: (l, t) => progress.push([l, t]) });
    expect(task).toMatchObject({ kind: 'import', type: 'contacts' });
    expect(['queued', 'running', 'succeeded']).toContain(task.phase);
    expect(progress.at(-1)).toEqual([file.size, file.size]);
    const done = await api.waitForTask(task.id, { minDelayMs: 100 });
    expect(done).toMatchObject({ phase: 'succeeded', result: { total: 4, imported: 2, rejected: 2, dryRun: false } });
    const report = await fetch((done.result as { errorReportUrl: string }).errorReportUrl);
    expect(report.status).toBe(200);
    expect(await report.text()).toContain('not-an-email');
  });

  it('imports as a dry run', async () => {
    const api = clientFor('u-import-dry');
    const file = Object.assign(new Blob(['Name,Email\r\nAda,ada@example.com\r\n'], { type: 'text/csv' }), { name: 'one.csv' });
    const task = await api.startImport(file, { type: 'contacts', dryRun: true });
    const done = await api.waitForTask(task.id, { minDelayMs: 100 });
    expect(done).toMatchObject({ phase: 'succeeded', result: { total: 1, imported: 1, rejected: 0, dryRun: true, errorReportUrl: null } });
  });
});
