/** Bad requests, idempotency, the active-task cap and duplicate delivery, with the worker under the test's control. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { startLocalStack, type LocalStack } from '../../dev/local-stack';
import { lambdaContext } from '../../dev/lambda-context';
import { apiClient } from '../support/api-client';
import { queueDepth, receiveOne, sqsEvent } from '../support/queue';
import { listKeys } from '../support/s3-objects';
import { ownerKeys } from '../../lambdas/adapters/redis/keys';

let stack: LocalStack;

beforeAll(async () => {
  // No poller: the test plays the event source, so the queue's content can be asserted.
  stack = await startLocalStack({ port: 0, worker: false, env: { MAX_ACTIVE_TASKS: '3', RETRY_AFTER_SECONDS: '7' } });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  await stack.sqs.send(new PurgeQueueCommand({ QueueUrl: stack.queueUrl }));
});

describe('bad requests are refused with the field at fault and enqueue nothing', () => {
  const cases: { name: string; body: unknown; status: number; field?: string; code?: string }[] = [
    { name: 'malformed JSON', body: '{"type": "orders",', status: 400, field: '(body)' },
    { name: 'no body', body: undefined, status: 400, field: '(body)' },
    { name: 'a JSON array', body: [], status: 400, field: '(body)' },
    { name: 'missing type', body: { format: 'csv' }, status: 400, field: 'type' },
    { name: 'type of the wrong type', body: { type: 42, format: 'csv' }, status: 400, field: 'type' },
    { name: 'unknown export type', body: { type: 'nope', format: 'csv' }, status: 400, field: 'type' },
    { name: 'unknown format', body: { type: 'orders', format: 'pdf' }, status: 400, field: 'format' },
    { name: 'params not an object', body: { type: 'orders', format: 'csv', params: 'x' }, status: 400, field: 'params' },
    { name: 'rows too many', body: { type: 'orders', format: 'csv', params: { rows: 2_000_001 } }, status: 400, field: 'params.rows' },
    { name: 'rows negative', body: { type: 'orders', format: 'csv', params: { rows: -1 } }, status: 400, field: 'params.rows' },
    { name: 'rows a string', body: { type: 'orders', format: 'csv', params: { rows: '10' } }, status: 400, field: 'params.rows' },
    { name: 'bad date', body: { type: 'orders', format: 'csv', params: { from: '2026-13-01' } }, status: 400, field: 'params.from' },
    { name: 'reversed range', body: { type: 'orders', format: 'csv', params: { from: '2026-05-01', to: '2026-01-01' } }, status: 400, field: 'params.from' },
    { name: 'unknown status', body: { type: 'orders', format: 'csv', params: { status: ['lost'] } }, status: 400, field: 'params.status.0' },
    { name: 'unknown parameter', body: { type: 'orders', format: 'csv', params: { color: 'red' } }, status: 400, field: 'params' },
    { name: 'unknown body field', body: { type: 'orders', format: 'csv', bucketKey: '../x' }, status: 400, field: '(body)' },
    { name: 'file name not a string', body: { type: 'orders', format: 'csv', fileName: 5 }, status: 400, field: 'fileName' },
    { name: 'file name too long', body: { type: 'orders', format: 'csv', fileName: 'x'.repeat(300) }, status: 400, field: 'fileName' },
    { name: 'body too large', body: { type: 'orders', format: 'csv', fileName: 'x'.repeat(20_000) }, status: 413, code: 'payload_too_large' },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const res = await apiClient(stack.url, 'frank').createExport(c.body);
      expect(res.status).toBe(c.status);
      if (c.code) expect(res.body.error.code).toBe(c.code);
      if (c.field) {
        expect(res.body.error.code).toBe('validation_failed');
        expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(c.field);
      }
      expect(await queueDepth(stack.sqs, stack.queueUrl)).toBe(0);
    });
  }

  it('no identity is 401', async () => {
    const res = await apiClient(stack.url, null).createExport({ type: 'orders', format: 'csv' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });

  it('bad query parameters name the parameter', async () => {
    const api = apiClient(stack.url, 'frank');
    const current = await api.call('GET', '/v1/tasks/current?kind=report&type=orders');
    expect(current.status).toBe(400);
    expect(current.body.error.details[0].field).toBe('kind');
    const list = await api.call('GET', '/v1/tasks?limit=5000');
    expect(list.status).toBe(400);
    expect(list.body.error.details[0].field).toBe('limit');
    expect((await api.get('../../etc/passwd')).status).toBe(404);
  });
});

describe('registration rules', () => {
  it('lets exactly one of 100 concurrent registrations through; the rest get 409 with that task', async () => {
    const api = apiClient(stack.url, 'carol');
    // No worker runs in this file, so the first task stays active while the 100 requests land.
    const responses = await Promise.all(Array.from({ length: 100 }, () => api.createExport({ type: 'orders', format: 'csv', params: { rows: 10 } })));
    const accepted = responses.filter((r) => r.status === 202);
    const conflicts = responses.filter((r) => r.status === 409);
    expect(responses.filter((r) => r.status !== 202 && r.status !== 409).map((r) => r.body)).toEqual([]);
    expect(accepted).toHaveLength(1);
    expect(conflicts).toHaveLength(99);
    for (const c of conflicts) {
      expect(c.body.error.code).toBe('task_active');
      expect(c.body.task.id).toBe(accepted[0]!.body.id);
    }
    expect(await queueDepth(stack.sqs, stack.queueUrl)).toBe(1);
  });

  it('the same Idempotency-Key returns the same task (200) and enqueues once; another body with it is 409', async () => {
    const api = apiClient(stack.url, 'grace');
    const body = { type: 'orders', format: 'csv', params: { rows: 5 } };
    const first = await api.createExport(body, { 'idempotency-key': 'k-1' });
    const again = await api.createExport(body, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await queueDepth(stack.sqs, stack.queueUrl)).toBe(1);
    const other = await api.createExport({ ...body, params: { rows: 6 } }, { 'idempotency-key': 'k-1' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    await api.clear(first.body.id);
  });

  it('past the active-task cap: 429 with Retry-After', async () => {
    const api = apiClient(stack.url, 'heidi');
    // The owner already runs three tasks of other types (seeded in the owner's active set; the cap is 3).
    const activeSet = ownerKeys('aft:', 'heidi').activeSet;
    const until = Date.now() + 600_000;
    await stack.redis.zadd(activeSet, until, 'task-of-type-a', until, 'task-of-type-b', until, 'task-of-type-c');
    const refused = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 5 } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(refused.body.error.code).toBe('too_many_active_tasks');
    expect(await queueDepth(stack.sqs, stack.queueUrl)).toBe(0);
    // One of them ends: the next request goes through.
    await stack.redis.zrem(activeSet, 'task-of-type-c');
    expect((await api.createExport({ type: 'orders', format: 'csv', params: { rows: 5 } })).status).toBe(202);
  });

  it('the same message delivered twice gives one object and the task stays succeeded', async () => {
    const api = apiClient(stack.url, 'ivan');
    const created = await api.createExport({ type: 'orders', format: 'xlsx', params: { rows: 500 } });
    const message = await receiveOne(stack.sqs, stack.queueUrl);
    expect(message).not.toBeNull();
    const event = sqsEvent([{ messageId: message!.MessageId!, body: message!.Body! }]);
    const first = await stack.worker(event, lambdaContext('worker'));
    expect(first?.batchItemFailures).toEqual([]);
    const done = await api.get(created.body.id);
    expect(done.body).toMatchObject({ phase: 'succeeded', attempts: 1 });
    const second = await stack.worker(sqsEvent([{ messageId: 'redelivered', body: message!.Body!, receiveCount: 2 }]), lambdaContext('worker'));
    expect(second?.batchItemFailures).toEqual([]);
    const after = await api.get(created.body.id);
    expect(after.body).toMatchObject({ phase: 'succeeded', attempts: 1, finishedAt: done.body.finishedAt });
    expect((await listKeys(stack.s3, stack.bucket, 'exports/')).filter((k) => k.includes(created.body.id))).toHaveLength(1);
  });
});
