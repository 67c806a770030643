/**
 * Composition root: builds the adapters once per Lambda container (or once per local stack) and hands the
 * use cases their dependencies. Nothing is created at import time, so a cold start pays only for what it uses.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Cluster, Redis } from 'ioredis';
import { RedisTaskStore } from '../adapters/redis/redis-task-store';
import { createRedisClient } from '../adapters/redis/redis-client';
import { S3FileStore } from '../adapters/s3/s3-file-store';
import { SqsTaskQueue } from '../adapters/sqs/sqs-task-queue';
import type { CoreConfig } from '../core/config';
import type { Deps } from '../core/deps';
import type { IdGenerator, TaskEvents, TaskMetrics } from '../core/ports';
import { configFromEnv, leaseMsFromEnv, tombstoneTtlFromEnv } from './env-config';
import { guardedEvents, loggedEvents, metricsFromEnv } from './observability';

export interface ContainerSettings {
  config: CoreConfig;
  redis: Redis | Cluster;
  s3: S3Client;
  sqs: SQSClient;
  bucket: string;
  queueUrl: string;
  tombstoneTtlSeconds: number;
  /** A worker that stops heartbeating loses its claim after this long. */
  leaseMs?: number;
  /** Completion events; default: logged as `{"message":"event", detailType, detail}` lines (the local stack's). */
  events?: TaskEvents;
  /** Default: EMF through Powertools Metrics (namespace POWERTOOLS_METRICS_NAMESPACE). */
  metrics?: TaskMetrics;
}

/** X-Ray style trace ids, so the API's id can be followed into the worker's logs. */
export const ids: IdGenerator = {
  taskId: () => randomUUID(),
  traceId: () => `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
};

export function buildDeps(settings: ContainerSettings): Deps {
  const { config } = settings;
  return {
    config,
    store: new RedisTaskStore(settings.redis, {
      ttlSeconds: config.taskTtlSeconds,
      tombstoneTtlSeconds: settings.tombstoneTtlSeconds,
      leaseMs: settings.leaseMs ?? 30_000,
    }),
    queue: new SqsTaskQueue(settings.sqs, settings.queueUrl),
    files: new S3FileStore(settings.s3, {
      bucket: settings.bucket,
      downloadUrlTtlSeconds: config.downloadUrlTtlSeconds,
      uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
    }),
    clock: { now: () => Date.now() },
    ids,
    events: guardedEvents(settings.events ?? loggedEvents()),
    metrics: settings.metrics ?? metricsFromEnv(),
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

let cached: Deps | undefined;

/**
 * The Lambda runtime's dependencies, from the environment the CDK construct sets. Completion events are only
 * logged here: the handlers that publish them (worker, cancel, delete) use `publishingDepsFromEnv`
 * (runtime/publishing-container.ts), so the EventBridge client stays out of the other API bundles.
 */
export function depsFromEnv(events?: TaskEvents): Deps {
  if (cached) return cached;
  const endpoint = process.env.AWS_ENDPOINT_URL; // only set by local tooling
  cached = buildDeps({
    config: configFromEnv(),
    redis: createRedisClient({
      url: process.env.REDIS_URL,
      clusterEndpoint: process.env.REDIS_ENDPOINT,
      tls: process.env.REDIS_TLS === 'true',
    }),
    s3: new S3Client(endpoint ? { endpoint, forcePathStyle: true } : {}),
    sqs: new SQSClient(endpoint ? { endpoint } : {}),
    bucket: required('BUCKET_NAME'),
    queueUrl: required('QUEUE_URL'),
    tombstoneTtlSeconds: tombstoneTtlFromEnv(),
    leaseMs: leaseMsFromEnv(),
    ...(events ? { events } : {}),
  });
  return cached;
}
