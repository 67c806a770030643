/**
 * Import through the real worker code path: POST /v1/imports on the local stack (own process), PUT the file to
 * the presigned URL (streamed), POST /v1/tasks/{id}/start, take the message off the queue, then time only the
 * worker handler: format detection → parse → validate → sink batches + error report.
 *
 * --variant csv|xlsx-inline|xlsx-shared
 * --limits raised (default): the byte/row limits are raised so a 1M-row file is accepted and measured.
 * --limits default: the shipped limits, to see where and how clearly they stop a file.
 * --door-only: stop after POST /v1/tasks/{id}/start (whether the API lets the file in).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { uploadKey } from '../../lambdas/core/object-keys';
import { runCase } from '../lib/child';
import { ensureImportFile, type ImportVariant } from '../lib/contacts';
import { api, connectWorker, spawnStack, type StackInfo } from '../lib/remote-stack';

/** Raised limits for measuring a 1M-row import. Only IMPORT_MAX_BYTES is read from the environment today (the
 * row/cell/uncompressed limits are constants in lambdas/formats/import-limits.ts); the others are here for when they are. */
export const RAISED_LIMITS: Record<string, string> = {
  IMPORT_MAX_BYTES: String(1024 ** 3),
  IMPORT_MAX_ROWS: '2000000',
  IMPORT_MAX_CELLS: '20000000',
  IMPORT_MAX_UNCOMPRESSED_BYTES: String(4 * 1024 ** 3),
};

const ROOT = process.env.BENCH_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));

/** fauxqs refuses request bodies over 11 MiB (its Fastify bodyLimit), so one presigned PUT cannot carry a 45-77 MB file. */
const FAUXQS_BODY_LIMIT = 11 * 1024 * 1024;

/**
 * Puts the file where the presigned URL points: with the URL itself when fauxqs accepts the body, otherwise
 * as a multipart upload to the same key from a separate process (its buffers must not count in this process's
 * peak RSS). Either way the worker then reads the same object.
 */
async function uploadFile(info: StackInfo, key: string, file: string, upload: { url: string; method?: string; headers?: Record<string, string> }): Promise<void> {
  if (statSync(file).size <= FAUXQS_BODY_LIMIT) {
    const put = await fetch(upload.url, {
      method: upload.method ?? 'PUT',
      headers: upload.headers,
      body: Readable.toWeb(createReadStream(file)) as unknown as BodyInit,
      duplex: 'half',
    } as RequestInit);
    if (!put.ok) throw new Error(`upload PUT: ${put.status} ${await put.text()}`);
    return;
  }
  const script = `
    import { createReadStream } from 'node:fs';
    import { S3Client } from '@aws-sdk/client-s3';
    import { Upload } from '@aws-sdk/lib-storage';
    const [endpoint, bucket, key, file] = process.argv.slice(1);
    const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: createReadStream(file) }, partSize: 8 * 1024 * 1024, queueSize: 2 }).done();`;
  execFileSync(process.execPath, ['--input-type=module', '-e', script, info.endpoint, info.bucket, key, file], { cwd: ROOT, stdio: 'inherit' });
}

await runCase(async (meter, args) => {
  if (!existsSync(`${ROOT}/lambdas/api/handlers/start-import.ts`)) {
    return { ok: false, skipped: true, note: 'import flow not available yet (lambdas/api/handlers/start-import.ts is missing)' };
  }
  const variant = String(args.variant ?? 'csv') as ImportVariant;
  const limits = String(args.limits ?? 'raised');
  const env = limits === 'raised' ? RAISED_LIMITS : {};
  const file = await ensureImportFile(variant, args.rows);
  const size = statSync(file).size;
  const stack = await spawnStack(env);
  try {
    const harness = connectWorker(stack.info, env);
    const owner = `bench-import-${variant}-${args.rows}-${limits}`;
    const fileName = file.split('/').pop()!;
    const created = await api(stack.info, owner, 'POST', '/v1/imports', { type: 'contacts', fileName, size });
    if (created.status !== 201) {
      // A limit that stops the file at the door is a result too (with --limits default).
      return { ok: limits === 'default', rows: args.rows, inputBytes: size, stoppedAt: 'POST /v1/imports', status: created.status, message: created.body?.error?.message ?? JSON.stringify(created.body) };
    }
    const task = created.body.task ?? created.body;
    const upload = created.body.upload ?? task.upload;
    await uploadFile(stack.info, task.upload?.key ?? uploadKey(owner, task.id), file, upload);
    const started = await api(stack.info, owner, 'POST', `/v1/tasks/${task.id}/start`);
    if (started.status !== 202) {
      return { ok: limits === 'default', rows: args.rows, inputBytes: size, stoppedAt: 'POST /v1/tasks/{id}/start', status: started.status, message: started.body?.error?.message ?? JSON.stringify(started.body) };
    }
    if (args['door-only']) {
      // The shipped limits let the file in; the worker applies the same limits as a --limits raised run except
      // IMPORT_MAX_BYTES, which it checks against this very size: that run's outcome is this one's.
      return { ok: true, rows: args.rows, inputBytes: size, stoppedAt: null, accepted: true, note: 'accepted by POST /v1/imports and /start with the shipped limits' };
    }
    const message = await harness.receive();

    meter.begin();
    const response = await harness.invoke(message);
    const seconds = meter.finish();

    const record = await harness.deps.store.get(owner, task.id);
    harness.redis.disconnect();
    const result = record?.result as { total?: number; imported?: number; rejected?: number } | null;
    if (record?.phase !== 'succeeded') {
      return { ok: limits === 'default', seconds, rows: args.rows, inputBytes: size, stoppedAt: 'worker', phase: record?.phase, message: record?.message, retried: response.batchItemFailures.length > 0 };
    }
    return { ok: true, seconds, rows: result?.total ?? args.rows, inputBytes: size, imported: result?.imported, rejected: result?.rejected };
  } finally {
    await stack.stop();
  }
});
