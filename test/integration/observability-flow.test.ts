/**
 * Issue 8 through the local stack, in-process: the JSON lines the API and the worker write (same traceId for one
 * task), the EMF documents (valid, with the counts of a known scenario) and the completion events the local stack
 * logs instead of sending them to EventBridge.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../dev/lambda-context';
import { startLocalStack, type LocalStack } from '../../dev/local-stack';
import { logger } from '../../lambdas/runtime/logger';
import { makeHandler as makeWorker } from '../../lambdas/worker/handler';
import { apiClient } from '../support/api-client';
import { sqsEvent } from '../support/queue';
import { captureStdout, emfProblems, emfSum, eventually, type StdoutCapture } from '../support/stdout-capture';

let stack: LocalStack;
let out: StdoutCapture;
const hashed = (owner: string) => createHash('sha256').update(owner).digest('hex').slice(0, 16);
const TASK_KEYS = ['taskId', 'owner', 'kind', 'type', 'traceId'];

beforeAll(async () => {
  // The metrics adapter reads this when the stack builds its dependencies; make sure EMF is written here.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  stack = await startLocalStack({ port: 0, maxReceiveCount: 3 });
  // vitest.config.ts sets LOG_LEVEL=ERROR for every test; this one reads INFO lines.
  logger.setLogLevel('INFO');
});
afterAll(async () => {
  logger.setLogLevel('ERROR');
  await stack?.stop();
});
beforeEach(() => {
  out = captureStdout();
});
afterEach(() => {
  out.stop();
});

const events = (taskId: string) => out.logs().filter((l) => l.message === 'event' && l.detail?.id === taskId);

describe('one export, followed through the logs', () => {
  it('shows the same traceId in the API access line, the worker lines, the task view and the event', async () => {
    const api = apiClient(stack.url, 'alice');
    const created = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 250 } });
    expect(created.status).toBe(202);
    const { id, traceId } = created.body;
    expect(traceId).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    const done = await api.waitFor(id);
    expect(done).toMatchObject({ phase: 'succeeded', traceId, result: { rows: 250 } });
    await eventually(() => out.logs().find((l) => l.message === 'Task delivery handled' && l.taskId === id), 'the worker line');

    const lines = out.logs();
    for (const line of lines) expect(line).toMatchObject({ level: expect.any(String), timestamp: expect.any(String), service: 'async-file-tasks' });

    const apiLine = lines.find((l) => l.message === 'request handled' && l.route === 'POST /v1/exports' && l.taskId === id)!;
    expect(apiLine).toMatchObject({ method: 'POST', status: 202, taskId: id, owner: hashed('alice'), kind: 'export', type: 'orders', traceId, durationMs: expect.any(Number) });
    const polls = lines.filter((l) => l.message === 'request handled' && l.route === 'GET /v1/tasks/{id}' && l.taskId === id);
    expect(polls.length).toBeGreaterThan(0);
    for (const poll of polls) expect(poll.traceId).toBe(traceId);

    const workerLines = lines.filter((l) => l.message?.startsWith('Task delivery') && l.taskId === id);
    expect(workerLines.map((l) => l.message)).toEqual(['Task delivery received', 'Task delivery handled']);
    for (const line of workerLines) {
      expect(line).toMatchObject({ taskId: id, owner: hashed('alice'), kind: 'export', type: 'orders', attempt: 1, traceId });
    }
    // The owner is hashed by default: the raw subject appears in no line but the event's.
    expect(lines.filter((l) => l.message !== 'event' && JSON.stringify(l).includes('"alice"'))).toEqual([]);

    // EMF: every document valid, and the counts of this one export.
    const docs = out.emf();
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) expect(emfProblems(doc), JSON.stringify(doc)).toEqual([]);
    for (const doc of docs) {
      expect(doc._aws.CloudWatchMetrics[0].Namespace).toBe('AsyncFileTasks');
      expect(doc._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'kind', 'type'], ['service']]);
    }
    const dims = { service: 'async-file-tasks', kind: 'export', type: 'orders' };
    expect(emfSum(docs, 'TasksRegistered', dims)).toBe(1);
    expect(emfSum(docs, 'TasksSucceeded', dims)).toBe(1);
    expect(emfSum(docs, 'TasksFailed', dims)).toBe(0);
    expect(emfSum(docs, 'RowsProduced', dims)).toBe(250);
    expect(emfSum(docs, 'BytesProduced', dims)).toBe(done.result.bytes);
    const units = Object.fromEntries(docs.flatMap((d) => d._aws.CloudWatchMetrics[0].Metrics.map((m: any) => [m.Name, m.Unit])));
    expect(units).toMatchObject({ TasksRegistered: 'Count', TasksSucceeded: 'Count', RowsProduced: 'Count', BytesProduced: 'Bytes', TaskDuration: 'Milliseconds', QueueWait: 'Milliseconds' });
    expect(docs.filter((d) => d.TaskDuration !== undefined)).toHaveLength(1);
    expect(docs.filter((d) => d.QueueWait !== undefined)).toHaveLength(1);

    // The completion event: the view minus its URLs, plus the owner.
    const [event] = events(id);
    expect(event).toMatchObject({ message: 'event', source: 'async-file-tasks', detailType: 'Task Succeeded' });
    const { url: _url, ...viewWithoutUrl } = done;
    expect(event!.detail).toEqual({ ...viewWithoutUrl, owner: 'alice', expiresAt: expect.any(String) });
    expect(event!.detail).not.toHaveProperty('url');
    expect(events(id)).toHaveLength(1);
  });

  it('takes the traceId from an incoming X-Amzn-Trace-Id header and hands it to the worker', async () => {
    const root = `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    const api = apiClient(stack.url, 'carol');
    const created = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 10 } }, { 'x-amzn-trace-id': `Root=${root};Parent=53995c3f42cd8ad8;Sampled=1` });
    expect(created.body.traceId).toBe(root);
    await api.waitFor(created.body.id);
    const handled = await eventually(() => out.logs().find((l) => l.message === 'Task delivery handled' && l.taskId === created.body.id), 'the worker line');
    expect(handled.traceId).toBe(root);
    expect(out.logs().find((l) => l.message === 'request handled' && l.route === 'POST /v1/exports')!.traceId).toBe(root);
  });
});

describe('completion events in the local stack', () => {
  it('logs Task Cancelled when an active task is cancelled or cleared, once', async () => {
    const dave = apiClient(stack.url, 'dave');
    const big = await dave.createExport({ type: 'orders', format: 'csv', params: { rows: 1_000_000 } });
    expect((await dave.cancel(big.body.id)).status).toBe(202);
    const cancelled = await dave.waitFor(big.body.id);
    expect(cancelled.phase).toBe('cancelled');

    const erin = apiClient(stack.url, 'erin');
    const other = await erin.createExport({ type: 'orders', format: 'xlsx', params: { rows: 1_000_000 } });
    expect((await erin.clear(other.body.id)).status).toBe(204);

    const [onCancel] = events(big.body.id);
    expect(onCancel).toMatchObject({ detailType: 'Task Cancelled', detail: { id: big.body.id, phase: 'cancelled', status: 2, state: false, owner: 'dave', traceId: big.body.traceId } });
    expect(onCancel!.detail).not.toHaveProperty('url');
    const [onClear] = events(other.body.id);
    expect(onClear).toMatchObject({ detailType: 'Task Cancelled', detail: { id: other.body.id, phase: 'cancelled', message: 'Cleared', owner: 'erin' } });

    // Clearing a task that already ended is not another cancellation.
    expect((await dave.clear(big.body.id)).status).toBe(204);
    expect(events(big.body.id)).toHaveLength(1);
    const docs = out.emf();
    expect(emfSum(docs, 'TasksCancelled', { kind: 'export', type: 'orders' })).toBe(2);
  });

  it('logs Task Failed for a permanent failure, with the message and no URLs', async () => {
    const taskId = randomUUID();
    const message = {
      v: 1, taskId, owner: 'frank', kind: 'export', type: 'orders', format: 'csv', params: { rows: -5 },
      fileName: 'bad.csv', traceId: '1-00000000-0123456789abcdef01234567', requestedAt: new Date().toISOString(),
    };
    const result = await stack.worker(sqsEvent([{ messageId: 'm-permanent', body: JSON.stringify(message) }]), lambdaContext('worker'));
    expect(result.batchItemFailures).toEqual([]);
    const [event] = events(taskId);
    expect(event).toMatchObject({ detailType: 'Task Failed', detail: { id: taskId, phase: 'failed', status: 2, state: false, owner: 'frank', traceId: message.traceId } });
    expect(event!.detail.message).toContain('Invalid export parameters');
    expect(emfSum(out.emf(), 'TasksFailed', { kind: 'export', type: 'orders' })).toBe(1);
    expect(emfSum(out.emf(), 'DlqArrivals')).toBe(0);
  });

  it('counts retries, then a DLQ arrival and one Task Failed on the last receive', async () => {
    // A worker whose export always hits a transient error (S3 down), as the poller would call it.
    const worker = makeWorker(() => stack.deps, {
      runners: {
        export: async () => {
          throw new Error('S3 is unreachable');
        },
      },
    });
    const taskId = randomUUID();
    const body = JSON.stringify({
      v: 1, taskId, owner: 'grace', kind: 'export', type: 'orders', format: 'csv', params: { rows: 5 },
      fileName: 'x.csv', traceId: '1-00000000-000000000000000000000042', requestedAt: new Date().toISOString(),
    });
    for (const receiveCount of [1, 2]) {
      const r = await worker(sqsEvent([{ messageId: `m-${receiveCount}`, body, receiveCount }]), lambdaContext('worker'));
      expect(r.batchItemFailures).toEqual([{ itemIdentifier: `m-${receiveCount}` }]);
    }
    expect(events(taskId)).toEqual([]);
    const last = await worker(sqsEvent([{ messageId: 'm-3', body, receiveCount: 3 }]), lambdaContext('worker'));
    expect(last.batchItemFailures).toEqual([{ itemIdentifier: 'm-3' }]);

    const [event] = events(taskId);
    expect(event).toMatchObject({ detailType: 'Task Failed', detail: { id: taskId, phase: 'failed', owner: 'grace' } });
    expect(event!.detail.message).toContain('It will run again if replayed');
    expect(events(taskId)).toHaveLength(1);
    const docs = out.emf();
    for (const doc of docs) expect(emfProblems(doc)).toEqual([]);
    expect(emfSum(docs, 'TaskRetries')).toBe(2);
    expect(emfSum(docs, 'TasksFailed')).toBe(1);
    expect(emfSum(docs, 'DlqArrivals', { kind: 'export', type: 'orders' })).toBe(1);
    const dlqLine = out.logs().find((l) => l.message === 'Task message goes to the dead-letter queue')!;
    expect(dlqLine).toMatchObject({ taskId, attempt: 3, traceId: '1-00000000-000000000000000000000042', owner: hashed('grace'), kind: 'export', type: 'orders' });
    for (const key of TASK_KEYS) expect(dlqLine).toHaveProperty(key);
  });
});
