/**
 * Issue 5: faults injected for real (redis-server stopped, queue and bucket removed, a worker process killed) and
 * the promises the service keeps through them.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, PurgeQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../dev/local-stack';
import { lambdaContext } from '../../dev/lambda-context';
import { HAND_BACK_MS } from '../../lambdas/worker/handler';
import { apiClient } from '../support/api-client';
import { queueDepth, receiveOne, sqsEvent } from '../support/queue';
import { listKeys, openMultipartUploads } from '../support/s3-objects';
import { waitUntil } from '../support/wait';

let stack: LocalStack;
const MAX_RECEIVES = 3;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, worker: false, visibilityTimeoutSeconds: 1, maxReceiveCount: MAX_RECEIVES, leaseMs: 3000, env: { MAX_ACTIVE_TASKS: '50' } });
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

async function withoutBucket<T>(run: () => Promise<T>): Promise<T> {
  // S3 refuses to delete a bucket with objects in it; this file's tests only look at their own keys.
  stack.fauxqs.emptyBucket(stack.bucket);
  await stack.s3.send(new DeleteBucketCommand({ Bucket: stack.bucket }));
  try {
    return await run();
  } finally {
    await stack.s3.send(new CreateBucketCommand({ Bucket: stack.bucket }));
  }
}

describe('faults', () => {
  it('1. Redis down at registration: 503, nothing enqueued; the retry after it is back succeeds', async () => {
    const api = apiClient(stack.url, 'f1');
    await stack.localRedis!.kill();
    try {
      const res = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 10 } });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('service_unavailable');
      expect(res.headers.get('retry-after')).toBeTruthy();
      expect(await queueDepth(stack.sqs, stack.queueUrl)).toBe(0);
    } finally {
      await stack.localRedis!.restart();
    }
    const retried = await waitUntil('registration after Redis is back', async () => {
      const res = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 10 } });
      return res.status === 202 ? res : null;
    });
    expect(retried.body.phase).toBe('queued');
    expect(await queueDepth(stack.sqs, stack.queueUrl)).toBe(1);
  });

  it('2. Redis down while the worker runs: the message is retried and the task completes once Redis is back', async () => {
    const api = apiClient(stack.url, 'f2');
    const created = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 300 } });
    const message = (await receiveOne(stack.sqs, stack.queueUrl))!;
    await stack.localRedis!.kill();
    try {
      const first = await stack.worker(sqsEvent([{ messageId: message.MessageId!, body: message.Body! }]), lambdaContext('worker'));
      expect(first?.batchItemFailures).toEqual([{ itemIdentifier: message.MessageId }]);
    } finally {
      await stack.localRedis!.restart();
    }
    // The restarted Redis is empty: the message alone is enough to re-create the record and finish.
    await waitUntil('Redis cluster back', async () => (await stack.redis.ping()) === 'PONG');
    const second = await stack.worker(sqsEvent([{ messageId: message.MessageId!, body: message.Body!, receiveCount: 2 }]), lambdaContext('worker'));
    expect(second?.batchItemFailures).toEqual([]);
    const done = await api.get(created.body.id);
    expect(done.body).toMatchObject({ phase: 'succeeded', result: { rows: 300 } });
    expect(await exportKeysOf(created.body.id)).toHaveLength(1);
  });

  it('3. SQS send fails after the task was written: rolled back (503), and the client retry succeeds', async () => {
    const api = apiClient(stack.url, 'f3');
    const attributes = (await stack.sqs.send(new GetQueueAttributesCommand({ QueueUrl: stack.queueUrl, AttributeNames: ['All'] }))).Attributes!;
    stack.fauxqs.deleteQueue('async-file-tasks');
    try {
      const res = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 10 } }, { 'idempotency-key': 'f3-key' });
      expect(res.status).toBe(503);
      // Not left "queued" without a message: no current task, and the slot is free.
      expect((await api.current('export', 'orders')).status).toBe(404);
    } finally {
      await stack.sqs.send(
        new CreateQueueCommand({ QueueName: 'async-file-tasks', Attributes: { VisibilityTimeout: attributes.VisibilityTimeout!, RedrivePolicy: attributes.RedrivePolicy! } }),
      );
    }
    const retried = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 10 } }, { 'idempotency-key': 'f3-key' });
    expect(retried.status).toBe(202);
    expect(await queueDepth(stack.sqs, stack.queueUrl)).toBe(1);
  });

  it('4. S3 fails mid-upload: the multipart upload is aborted, the message retried, one object in the end', async () => {
    const api = apiClient(stack.url, 'f4');
    // ~45 MB of CSV: several 5 MiB parts, so the bucket vanishes between parts.
    const created = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 400_000 } });
    const message = (await receiveOne(stack.sqs, stack.queueUrl))!;
    const event = sqsEvent([{ messageId: message.MessageId!, body: message.Body! }]);
    const running = stack.worker(event, lambdaContext('worker'));
    await api.waitFor(created.body.id, (t) => t.progress.processed > 60_000, 60_000);
    const first = await withoutBucket(() => running);
    expect(first?.batchItemFailures).toEqual([{ itemIdentifier: message.MessageId }]);
    expect((await api.get(created.body.id)).body).toMatchObject({ phase: 'queued', message: expect.stringContaining('retrying') });
    expect(await openMultipartUploads(stack.s3, stack.bucket)).toBe(0);
    const second = await stack.worker(sqsEvent([{ messageId: message.MessageId!, body: message.Body!, receiveCount: 2 }]), lambdaContext('worker'));
    expect(second?.batchItemFailures).toEqual([]);
    expect((await api.get(created.body.id)).body).toMatchObject({ phase: 'succeeded', attempts: 2, result: { rows: 400_000 } });
    expect(await exportKeysOf(created.body.id)).toHaveLength(1);
  }, 120_000);

  it('5. the worker process dies mid-export: the redelivery completes it, exactly one object at the task key', async () => {
    // As in AWS, the visibility timeout outlasts a dead worker's lease, so the redelivery finds the task free.
    const stack = await startLocalStack({ port: 0, worker: false, visibilityTimeoutSeconds: 4, leaseMs: 2000, maxReceiveCount: 5 });
    try {
      const api = apiClient(stack.url, 'f5');
      const created = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 600_000 } });
      const child = fork(fileURLToPath(new URL('../support/worker-process.ts', import.meta.url)), {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        env: {
          ...process.env,
          AWS_ENDPOINT_URL: stack.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          REDIS_ENDPOINT: stack.localRedis!.endpoint,
          BUCKET_NAME: stack.bucket,
          QUEUE_URL: stack.queueUrl,
          WORKER_LEASE_MS: '2000',
          MAX_RECEIVE_COUNT: '5',
          LOG_LEVEL: 'INFO',
        },
      });
      let stderr = '';
      child.stderr?.on('data', (d) => (stderr += String(d)));
      child.once('exit', (code) => {
        if (code !== null) stderr += `\nexited with ${code}`;
      });
      try {
        await api.waitFor(created.body.id, (t) => t.phase === 'running' && t.progress.processed > 50_000, 40_000).catch((error) => {
          throw new Error(`${error.message}\nworker process: ${stderr}`);
        });
      } finally {
        child.kill('SIGKILL');
      }
      await new Promise((r) => child.once('exit', r));
      expect((await api.get(created.body.id)).body.phase).toBe('running');
      expect((await listKeys(stack.s3, stack.bucket, 'exports/')).filter((k) => k.includes(created.body.id))).toHaveLength(0);
      // The event source takes over: SQS redelivers after the visibility timeout, the dead worker's lease runs out.
      stack.startWorker();
      const done = await api.waitFor(created.body.id, (t) => t.status === 2, 90_000);
      expect(done).toMatchObject({ phase: 'succeeded', result: { rows: 600_000 } });
      expect(done.attempts).toBeGreaterThanOrEqual(2);
      expect((await listKeys(stack.s3, stack.bucket, 'exports/')).filter((k) => k.includes(created.body.id))).toEqual([expect.stringMatching(new RegExp(`^exports/[0-9a-f]{32}/${created.body.id}\\.csv$`))]);
      // The dead worker's multipart upload is left open (nobody aborted it); the bucket's lifecycle rule removes
      // incomplete uploads after a day. It never becomes a visible object.
    } finally {
      await stack.stop();
    }
  }, 150_000);

  it('6. two workers receive the same task at once: one runs, the other hands it back, one file', async () => {
    const api = apiClient(stack.url, 'f6');
    const created = await api.createExport({ type: 'orders', format: 'xlsx', params: { rows: 20_000 } });
    const message = (await receiveOne(stack.sqs, stack.queueUrl))!;
    const [a, b] = await Promise.all([
      stack.worker(sqsEvent([{ messageId: 'copy-a', body: message.Body! }]), lambdaContext('worker')),
      stack.worker(sqsEvent([{ messageId: 'copy-b', body: message.Body! }]), lambdaContext('worker')),
    ]);
    const failures = [...a!.batchItemFailures, ...b!.batchItemFailures];
    expect(failures).toHaveLength(1);
    expect((await api.get(created.body.id)).body).toMatchObject({ phase: 'succeeded', attempts: 1 });
    // The handed-back copy comes again later and is a no-op.
    const late = await stack.worker(sqsEvent([{ messageId: failures[0]!.itemIdentifier, body: message.Body!, receiveCount: 2 }]), lambdaContext('worker'));
    expect(late?.batchItemFailures).toEqual([]);
    expect(await exportKeysOf(created.body.id)).toHaveLength(1);
  });

  it('7. a poison message fails its task with a readable message, once, without a retry storm', async () => {
    // A replayed or hand-made message whose record is gone and whose parameters can never work, and one that
    // is not even JSON. Neither may loop between the queue and the worker.
    const taskId = '0b7f2a4e-poison-0000-0000-000000000007';
    const poisoned = {
      v: 1, taskId, owner: 'f7', kind: 'export', type: 'orders', format: 'csv', params: { rows: -5 },
      fileName: 'x.csv', traceId: '1-00000000-000000000000000000000007', requestedAt: new Date().toISOString(),
    };
    await stack.sqs.send(new SendMessageCommand({ QueueUrl: stack.queueUrl, MessageBody: JSON.stringify(poisoned) }));
    await stack.sqs.send(new SendMessageCommand({ QueueUrl: stack.queueUrl, MessageBody: 'not json at all' }));
    stack.startWorker();
    const api = apiClient(stack.url, 'f7');
    const failed = await waitUntil('the poisoned task to fail', async () => {
      const res = await api.get(taskId);
      return res.status === 200 && res.body.status === 2 ? res.body : null;
    });
    expect(failed).toMatchObject({ phase: 'failed', status: 2, state: false, attempts: 1 });
    expect(failed.message).toMatch(/Invalid export parameters: params\.rows/);
    await waitUntil('queue drained', async () => (await queueDepth(stack.sqs, stack.queueUrl)) === 0);
    // Longer than the visibility timeout: nothing comes back.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await queueDepth(stack.sqs, stack.queueUrl)).toBe(0);
    expect(await queueDepth(stack.sqs, stack.dlqUrl)).toBe(0);
    expect((await api.get(taskId)).body.attempts).toBe(1);
  });

  it('8. a transient failure on every attempt: after maxReceiveCount the message is in the DLQ and the task failed', async () => {
    const api = apiClient(stack.url, 'f8');
    const created = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 100 } });
    await withoutBucket(async () => {
      stack.startWorker();
      await waitUntil('message in the DLQ', async () => (await queueDepth(stack.sqs, stack.dlqUrl)) === 1, 30_000);
      await stack.stopWorker();
    });
    const failed = (await api.get(created.body.id)).body;
    expect(failed).toMatchObject({ phase: 'failed', status: 2 });
    expect(failed.message).toMatch(new RegExp(`failed after ${MAX_RECEIVES} attempts .*will run again if replayed`));
    expect(await queueDepth(stack.sqs, stack.queueUrl)).toBe(0);
  });

  it('the invocation running out of time hands the task back (failed on the last receive), nothing half-written', async () => {
    const api = apiClient(stack.url, 'f-deadline');
    const created = await api.createExport({ type: 'orders', format: 'csv', params: { rows: 2_000_000 } });
    const message = (await receiveOne(stack.sqs, stack.queueUrl))!;
    // 1.5 s of work before the worker must hand back, as a Lambda near its timeout would.
    const shortInvocation = () => lambdaContext('worker', HAND_BACK_MS + 1500);
    const first = await stack.worker(sqsEvent([{ messageId: message.MessageId!, body: message.Body! }]), shortInvocation());
    expect(first?.batchItemFailures).toEqual([{ itemIdentifier: message.MessageId }]);
    expect((await api.get(created.body.id)).body).toMatchObject({ phase: 'queued', message: 'Attempt 1 failed (The worker ran out of time before the task finished); retrying.' });
    const last = await stack.worker(sqsEvent([{ messageId: message.MessageId!, body: message.Body!, receiveCount: MAX_RECEIVES }]), shortInvocation());
    expect(last?.batchItemFailures).toHaveLength(1);
    const failed = (await api.get(created.body.id)).body;
    expect(failed).toMatchObject({ phase: 'failed', status: 2 });
    expect(failed.message).toMatch(/ran out of time.*will run again if replayed/);
    await waitUntil('uploads aborted', async () => (await openMultipartUploads(stack.s3, stack.bucket)) === 0, 10_000);
    expect(await exportKeysOf(created.body.id)).toHaveLength(0);
  });

  it('11. a long export keeps its record alive past the TTL it would otherwise have', async () => {
    // A stack of its own with a 2-second task TTL; the export runs several times longer.
    const short = await startLocalStack({ port: 0, env: { TASK_TTL_SECONDS: '2' } });
    try {
      const api = apiClient(short.url, 'f11');
      const created = await api.createExport({ type: 'orders', format: 'xlsx', params: { rows: 300_000 } });
      const started = Date.now();
      let polls = 0;
      let task = created.body;
      while (task.status !== 2) {
        await new Promise((r) => setTimeout(r, 500));
        const res = await api.get(created.body.id);
        expect(res.status, `record present after ${Date.now() - started} ms`).toBe(200);
        task = res.body;
        polls++;
      }
      expect(task.phase).toBe('succeeded');
      expect(Date.now() - started).toBeGreaterThan(3 * 2000);
      expect(polls).toBeGreaterThan(6);
      // Once finished, nothing renews it: it expires like any other.
      await waitUntil('record expiry', async () => (await api.get(created.body.id)).status === 404, 10_000);
    } finally {
      await short.stop();
    }
  });
});
