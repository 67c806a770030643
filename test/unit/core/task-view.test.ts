/** The core alone: no Redis, no S3, no HTTP. */
import { describe, expect, it } from 'vitest';
import { cleanFileName } from '../../../lambdas/core/file-name';
import { messageFor, parseMessage } from '../../../lambdas/core/message';
import { percentOf, statusOf, toView, type TaskRecord } from '../../../lambdas/core/task';

const record = (over: Partial<TaskRecord> = {}): TaskRecord => ({
  id: 't-1', owner: 'alice', kind: 'export', type: 'orders', format: 'csv', fileName: 'o.csv', params: { rows: 10 },
  phase: 'queued', message: null, processed: 0, total: 10, result: null, attempts: 0,
  createdAt: Date.UTC(2026, 0, 1), startedAt: null, finishedAt: null, updatedAt: Date.UTC(2026, 0, 1), traceId: '1-a-b',
  objectKey: null, upload: null, dryRun: false, ...over,
});

describe('task view', () => {
  it("maps phases to the seed's status and state", () => {
    expect(['awaiting_upload', 'queued', 'running', 'succeeded', 'failed', 'cancelled'].map((p) => statusOf(p as never))).toEqual([0, 0, 1, 2, 2, 2]);
    expect(toView(record({ phase: 'succeeded' }), { url: 'u', errorReportUrl: null }, 1800)).toMatchObject({ status: 2, state: true, url: 'u' });
    expect(toView(record({ phase: 'failed', message: 'bad' }), { url: null, errorReportUrl: null }, 1800)).toMatchObject({ status: 2, state: false, message: 'bad' });
  });

  it('computes percent only with a known total, capped at 100', () => {
    expect(percentOf(5, 10)).toBe(50);
    expect(percentOf(15, 10)).toBe(100);
    expect(percentOf(5, null)).toBeNull();
    expect(percentOf(0, 0)).toBeNull();
  });

  it('expires the record TTL after its last change, and shows import results with the report URL', () => {
    const view = toView(
      record({ kind: 'import', phase: 'succeeded', updatedAt: Date.UTC(2026, 0, 1, 0, 10), result: { total: 3, imported: 2, rejected: 1, dryRun: false, errorReportKey: 'reports/x' } }),
      { url: null, errorReportUrl: 'r' },
      1800,
    );
    expect(view.expiresAt).toBe('2026-01-01T00:40:00.000Z');
    expect(view.result).toEqual({ total: 3, imported: 2, rejected: 1, errorReportUrl: 'r', dryRun: false });
    expect(JSON.stringify(view)).not.toContain('reports/x');
  });
});

describe('file names', () => {
  it('keeps a printable name with the real extension and a bounded length', () => {
    expect(cleanFileName('Q3 orders', 'orders', 'xlsx')).toBe('Q3 orders.xlsx');
    expect(cleanFileName('Q3.XLSX', 'orders', 'xlsx')).toBe('Q3.xlsx');
    expect(cleanFileName('report.csv', 'orders', 'xlsx')).toBe('report.csv.xlsx');
    expect(cleanFileName('  ', 'orders-2026', 'csv')).toBe('orders-2026.csv');
    expect(cleanFileName(undefined, 'orders', 'csv')).toBe('orders.csv');
    expect(cleanFileName('a/b\\c:d*e?f"g<h>i|j', 'x', 'csv')).toBe('a_b_c_d_e_f_g_h_i_j.csv');
    expect(cleanFileName('\u0000\u001f\u007f\u0085ok', 'x', 'csv')).toBe('ok.csv');
    expect(cleanFileName('...hidden', 'x', 'csv')).toBe('hidden.csv');
    const long = cleanFileName('😀'.repeat(300), 'x', 'csv');
    expect(Array.from(long)).toHaveLength(200);
    expect(long.endsWith('😀.csv')).toBe(true);
  });
});

describe('queue message', () => {
  it('round-trips a task and refuses malformed bodies with a reason', () => {
    const message = messageFor(record({ kind: 'import', upload: { key: 'uploads/x', size: 5 }, dryRun: true }));
    expect(parseMessage(JSON.stringify(message))).toEqual(message);
    expect(message).toMatchObject({ v: 1, taskId: 't-1', owner: 'alice', upload: { key: 'uploads/x', size: 5 }, dryRun: true, requestedAt: '2026-01-01T00:00:00.000Z' });
    expect(() => parseMessage('nope')).toThrow('Queue message is not JSON');
    expect(() => parseMessage(JSON.stringify({ ...message, v: 2 }))).toThrow('Unsupported queue message version: 2');
    expect(() => parseMessage(JSON.stringify({ ...message, owner: '' }))).toThrow('Queue message lacks owner');
    expect(() => parseMessage(JSON.stringify({ ...message, kind: 'report' }))).toThrow('unknown kind');
    expect(() => parseMessage(JSON.stringify({ ...message, upload: undefined }))).toThrow('Import message lacks its upload');
  });
});
