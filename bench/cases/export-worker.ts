/**
 * Export through the real worker code path: POST /v1/exports on the local stack (in its own process), take the
 * message off the queue, and time only the worker handler: claim → generator → xlsx/csv writer with
 * backpressure → multipart upload to S3 (fauxqs) → complete. Peak RSS is this process's: the worker's.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { runCase } from '../lib/child';
import { api, connectWorker, spawnStack } from '../lib/remote-stack';

await runCase(async (meter, args) => {
  const format = String(args.format ?? 'xlsx');
  const rows = args.rows;
  const stack = await spawnStack();
  try {
    const harness = connectWorker(stack.info);
    const owner = `bench-export-${format}-${rows}`;
    const created = await api(stack.info, owner, 'POST', '/v1/exports', { type: 'orders', format, params: { rows }, fileName: 'bench' });
    if (created.status !== 202) throw new Error(`POST /v1/exports: ${created.status} ${JSON.stringify(created.body)}`);
    const message = await harness.receive();

    meter.begin();
    const response = await harness.invoke(message);
    const seconds = meter.finish();

    const task = await harness.deps.store.get(owner, created.body.id);
    if (response.batchItemFailures.length > 0 || task?.phase !== 'succeeded') {
      throw new Error(`export did not succeed: ${task?.phase} ${task?.message ?? ''}`);
    }
    const head = await harness.s3.send(new HeadObjectCommand({ Bucket: stack.info.bucket, Key: task.objectKey! }));
    const result = task.result as { rows: number; bytes: number };
    if (result.rows !== rows) throw new Error(`exported ${result.rows} rows, expected ${rows}`);
    harness.redis.disconnect();
    return { ok: true, seconds, rows, bytes: head.ContentLength ?? result.bytes };
  } finally {
    await stack.stop();
  }
});
