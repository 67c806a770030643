/** Issue 5: operators replay from the DLQ as the SQS console does; cancel and clear are final even then. */
import { CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, PurgeQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../dev/local-stack';
import { apiClient } from '../support/api-client';
import { queueDepth } from '../support/queue';
import { listKeys, openMultipartUploads } from '../support/s3-objects';
import { waitUntil } from '../support/wait';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, worker: false, visibilityTimeoutSeconds: 1, maxReceiveCount: 2, leaseMs: 3000, env: { MAX_ACTIVE_TASKS: '50' } });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  await stack.stopWorker();
  await stack.sqs.send(new PurgeQueueCommand({ QueueUrl: stack.queueUrl }));
  await stack.sqs.send(new PurgeQueueCommand({ QueueUrl: stack.dlqUrl }));
});

const exportKeysOf = async (id: string) => (await listKeys(stack.s3, stack.bucket, 'exports/')).filter((k) => k.includes(id));

/** What the console's "start DLQ redrive" does, done by hand (fauxqs has no StartMessageMoveTask). */
async function redrive(): Promise<number> {
  let moved = 0;
  for (;;) {
    const received = await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const messages = received.Messages ?? [];
    if (messages.length === 0) return moved;
    for (const m of messages) {
      await stack.sqs.send(new SendMessageCommand({ QueueUrl: stack.queueUrl, MessageBody: m.Body! }));
      await stack.sqs.send(new DeleteMessageCommand({ QueueUrl: stack.dlqUrl, ReceiptHandle: m.ReceiptHandle! }));
      moved++;
    }
  }
}

/** Fails every attempt of whatever runs now (S3 refuses: no bucket) until the message is in the DLQ. */
async function failIntoDlq() {
  stack.fauxqs.emptyBucket(stack.bucket);
  await stack.s3.send(new DeleteBucketCommand({ Bucket: stack.bucket }));
  try {
    stack.startWorker();
    await waitUntil('message in the DLQ', async () => (await queueDepth(stack.sqs, stack.dlqUrl)) >= 1, 30_000);
    await stack.stopWorker();
  } finally {
    await stack.s3.send(new CreateBucketCommand({ Bucket: stack.bucket }));
  }
}

describe('replay from the dead-letter queue', () => {
  it('9. a redriven message runs and succeeds; the next poll shows the file', async () => {
    const api = apiClient(stack.url, 'r9');
    const created = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 250 } });
    await failIntoDlq();
    expect((await api.get(created.body.id)).body).toMatchObject({ phase: 'failed', message: expect.stringMatching(/will run again if replayed/) });
    expect(await redrive()).toBe(1);
    stack.startWorker();
    const done = await api.waitFor(created.body.id, (t) => t.phase === 'succeeded');
    expect(done).toMatchObject({ status: 2, state: true, message: null, result: { rows: 250 } });
    expect(done.url).toContain(created.body.id);
    expect((await fetch(done.url)).status).toBe(200);
    expect(await exportKeysOf(created.body.id)).toHaveLength(1);
  });

  it('10. a redrive after the Redis record expired re-creates the record from the message and succeeds', async () => {
    const api = apiClient(stack.url, 'r10');
    const created = await api.createExport({ type: 'orders', format: 'xlsx', params: { rows: 300 }, fileName: 'kept name' });
    await failIntoDlq();
    // The record and every key of the owner expire (TTL); only the message in the DLQ remains.
    const keys = await stack.redis.keys('aft:{r10}:*');
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) await stack.redis.pexpire(key, 1);
    await waitUntil('record expiry', async () => (await api.get(created.body.id)).status === 404);
    expect(await redrive()).toBe(1);
    stack.startWorker();
    const done = await api.waitFor(created.body.id, (t) => t.phase === 'succeeded');
    expect(done).toMatchObject({ kind: 'export', type: 'orders', format: 'xlsx', fileName: 'kept name.xlsx', result: { rows: 300 }, traceId: created.body.traceId });
    expect(done.createdAt).toBe(created.body.createdAt);
    expect((await api.current('export', 'orders')).body.id).toBe(created.body.id);
  });

  it('a redriven message of a cleared task does not bring it back (tombstone)', async () => {
    const api = apiClient(stack.url, 'r-cancel');
    const created = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 100 } });
    await failIntoDlq();
    // Failed tasks are final for cancel; clearing it is what a user does, and a replay must not bring it back.
    expect((await api.clear(created.body.id)).status).toBe(204);
    expect(await redrive()).toBe(1);
    stack.startWorker();
    await waitUntil('queue drained', async () => (await queueDepth(stack.sqs, stack.queueUrl)) === 0);
    await stack.stopWorker();
    expect((await api.get(created.body.id)).status).toBe(404);
    expect(await exportKeysOf(created.body.id)).toHaveLength(0);
  });
});

describe('cancel and clear while running', () => {
  it('12a. cancel mid-run: cancelled, no object, no open multipart upload', async () => {
    const api = apiClient(stack.url, 'r12a');
    const created = await api.createExport({ type: 'orders', format: 'xlsx', params: { rows: 1_000_000 } });
    stack.startWorker();
    await api.waitFor(created.body.id, (t) => t.phase === 'running' && t.progress.processed > 30_000);
    expect((await api.cancel(created.body.id)).body.phase).toBe('cancelled');
    await waitUntil('worker idle', () => stack.poller?.busy === 0, 30_000);
    await stack.stopWorker();
    expect((await api.get(created.body.id)).body).toMatchObject({ phase: 'cancelled', url: null });
    expect(await exportKeysOf(created.body.id)).toHaveLength(0);
    expect(await openMultipartUploads(stack.s3, stack.bucket)).toBe(0);
    // Cancelling again is a conflict, not a silent success.
    expect((await api.cancel(created.body.id)).status).toBe(409);
  });

  it('12b. clear while running: cancelled and removed, no object left', async () => {
    const api = apiClient(stack.url, 'r12b');
    const created = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 1_500_000 } });
    stack.startWorker();
    await api.waitFor(created.body.id, (t) => t.phase === 'running' && t.progress.processed > 30_000);
    expect((await api.clear(created.body.id)).status).toBe(204);
    expect((await api.get(created.body.id)).status).toBe(404);
    await waitUntil('worker idle', () => stack.poller?.busy === 0, 30_000);
    await stack.stopWorker();
    expect(await exportKeysOf(created.body.id)).toHaveLength(0);
    expect(await openMultipartUploads(stack.s3, stack.bucket)).toBe(0);
    expect((await api.current('export', 'orders')).status).toBe(404);
    // The slot is free again.
    const next = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 5 } });
    expect(next.status).toBe(202);
  });
});
