/**
 * A benchmark child's view of the local stack running in another process (lib/stack-host.ts): the HTTP API
 * URL, and the real worker handler wired to the stack's S3/SQS (fauxqs) and Redis with the real adapters.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Cluster, Redis } from 'ioredis';
import { lambdaContext } from '../../dev/lambda-context';
import { createRedisClient } from '../../lambdas/adapters/redis/redis-client';
import { S3FileStore } from '../../lambdas/adapters/s3/s3-file-store';
import type { Deps } from '../../lambdas/core/deps';
import { buildDeps } from '../../lambdas/runtime/container';
import { configFromEnv, tombstoneTtlFromEnv } from '../../lambdas/runtime/env-config';
import { makeHandler as makeWorker } from '../../lambdas/worker/handler';
import { receiveOne, sqsEvent } from '../../test/support/queue';

export interface StackInfo {
  url: string;
  endpoint: string;
  bucket: string;
  queueUrl: string;
  redisEndpoint: string;
}

/** The parent passes the path: cases run as esbuild bundles from elsewhere. */
const HOST = process.env.BENCH_STACK_HOST ?? fileURLToPath(new URL('./stack-host.ts', import.meta.url));
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function spawnStack(env: Record<string, string> = {}): Promise<{ info: StackInfo; process: ChildProcess; stop(): Promise<void> }> {
  // Diagnostic knob: extra node flags for the stack host, e.g. BENCH_STACK_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p".
  const nodeArgs = (process.env.BENCH_STACK_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', HOST, JSON.stringify(env)], {
    cwd: process.env.BENCH_ROOT ?? process.cwd(),
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const info = await new Promise<StackInfo>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += String(d);
      const line = out.split('\n').find((l) => l.startsWith('@@stack '));
      if (line) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(JSON.parse(line.slice('@@stack '.length)) as StackInfo);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`stack host exited with ${code}: ${out}`)));
    setTimeout(() => reject(new Error('stack host did not start in 60 s')), 60_000).unref();
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.stdin!.end();
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
  process.once('exit', () => child.kill('SIGKILL'));
  return { info, process: child, stop };
}

export interface WorkerHarness {
  deps: Deps;
  redis: Redis | Cluster;
  s3: S3Client;
  sqs: SQSClient;
  /** Receives the next message from the queue (outside any timed region). */
  receive(): Promise<{ messageId: string; body: string }>;
  /** Invokes the real SQS handler with a one-record event, as the event source mapping would. */
  invoke(message: { messageId: string; body: string }): Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
}

export function connectWorker(info: StackInfo, env: Record<string, string> = {}): WorkerHarness {
  const s3 = new S3Client({ endpoint: info.endpoint, region: 'us-east-1', credentials: CREDENTIALS, forcePathStyle: true });
  const sqs = new SQSClient({ endpoint: info.endpoint, region: 'us-east-1', credentials: CREDENTIALS });
  const redis = createRedisClient({ clusterEndpoint: info.redisEndpoint });
  redis.on('error', () => undefined);
  const allEnv = { ...process.env, ...env };
  const deps = buildDeps({
    config: configFromEnv(allEnv),
    redis,
    s3,
    sqs,
    bucket: info.bucket,
    queueUrl: info.queueUrl,
    tombstoneTtlSeconds: tombstoneTtlFromEnv(allEnv),
  });
  // Diagnostic knobs (off by default): the S3 upload's part size and concurrency, to measure their share of peak RSS.
  const queueSize = Number(process.env.BENCH_UPLOAD_QUEUE_SIZE ?? 0);
  const partSize = Number(process.env.BENCH_UPLOAD_PART_MB ?? 0) * 1024 * 1024;
  if (queueSize || partSize) {
    deps.files = new S3FileStore(s3, {
      bucket: info.bucket,
      downloadUrlTtlSeconds: deps.config.downloadUrlTtlSeconds,
      uploadUrlTtlSeconds: deps.config.uploadUrlTtlSeconds,
      ...(queueSize ? { queueSize } : {}),
      ...(partSize ? { partSize } : {}),
    });
  }
  const worker = makeWorker(() => deps);
  return {
    deps,
    redis,
    s3,
    sqs,
    async receive() {
      for (let i = 0; i < 10; i++) {
        const m = await receiveOne(sqs, info.queueUrl, 2);
        if (m) return { messageId: m.MessageId!, body: m.Body! };
      }
      throw new Error('no message arrived on the queue');
    },
    async invoke(message) {
      const result = await worker(sqsEvent([message]), lambdaContext('worker'));
      return result as { batchItemFailures: { itemIdentifier: string }[] };
    },
  };
}

/** JSON over HTTP to the local API as a given user. */
export async function api<T = any>(info: StackInfo, user: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${info.url}${path}`, {
    method,
    headers: { 'x-dev-user': user, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
