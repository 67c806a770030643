/**
 * The local stack: the same handlers as in AWS, behind a local API Gateway, fed by a local SQS event source,
 * with fauxqs for S3 and SQS (real SDK calls, real presigned URLs) and Redis in cluster mode.
 * `npm start` runs it; the integration tests start it in-process.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import type { Cluster, Redis } from 'ioredis';
import { createRedisClient } from '../lambdas/adapters/redis/redis-client';
import { ROUTES } from '../lambdas/api/routes';
import type { Deps } from '../lambdas/core/deps';
import type { RunTaskOptions } from '../lambdas/core/use-cases/run-task';
import { buildDeps } from '../lambdas/runtime/container';
import { loggedEvents } from '../lambdas/runtime/observability';
import { configFromEnv, leaseMsFromEnv, tombstoneTtlFromEnv } from '../lambdas/runtime/env-config';
import { makeHandler as makeWorker } from '../lambdas/worker/handler';
import { createApiServer, type ApiLambda, type MountedRoute, type StaticSite } from './api-gateway-server';
import { startLocalRedis, type LocalRedis } from './redis-server';
import { startPoller, type Poller } from './sqs-poller';

export interface LocalStackOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Use this Redis instead of starting one (redis:// for a single node, or a cluster's host:port). */
  redisUrl?: string;
  /** Overrides for the environment-style settings (TASK_TTL_SECONDS, MAX_ACTIVE_TASKS, …). */
  env?: Record<string, string>;
  visibilityTimeoutSeconds?: number;
  maxReceiveCount?: number;
  batchSize?: number;
  workerConcurrency?: number;
  /** false: no poller (tests that drive the worker by hand). */
  worker?: boolean;
  workerOptions?: RunTaskOptions;
  leaseMs?: number;
}

export interface LocalStack {
  url: string;
  port: number;
  endpoint: string;
  bucket: string;
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  s3: S3Client;
  sqs: SQSClient;
  redis: Redis | Cluster;
  localRedis: LocalRedis | null;
  fauxqs: FauxqsServer;
  deps: Deps;
  poller: Poller | null;
  /** The worker handler as the poller calls it (tests can invoke it with hand-made events). */
  worker: ReturnType<typeof makeWorker>;
  startWorker(): void;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const REGION = 'us-east-1';
const WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url));
const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml', '.map': 'application/json' };

/** The demo page: web/index.html and the browser client built into web/dist. */
const site: StaticSite = async (path) => {
  const relative = path === '/' ? 'index.html' : normalize(path).replace(/^([/\\])+/, '');
  if (relative.includes('..')) return null;
  try {
    return { body: await readFile(join(WEB_ROOT, relative)), contentType: MIME[extname(relative)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
};

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };
  try {
    const fauxqs = await startFauxqsWithCors({ port: 0, logger: false });
    cleanups.push(() => fauxqs.stop());
    const endpoint = `http://127.0.0.1:${fauxqs.port}`;
    const s3 = new S3Client({ endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
    const sqs = new SQSClient({ endpoint, region: REGION, credentials: CREDENTIALS });

    const bucket = 'async-file-tasks';
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // Browsers PUT uploads straight to the presigned URL, from the demo page's origin.
    await s3
      .send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [{ AllowedMethods: ['GET', 'PUT'], AllowedOrigins: ['*'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] }] } }))
      .catch(() => undefined);
    const maxReceiveCount = options.maxReceiveCount ?? 5;
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'async-file-tasks-dlq', Attributes: { MessageRetentionPeriod: '1209600' } }));
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'async-file-tasks',
        Attributes: {
          VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 120),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
        },
      }),
    );
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl!, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;

    let localRedis: LocalRedis | null = null;
    let redis: Redis | Cluster;
    if (options.redisUrl) {
      redis = /^rediss?:\/\//.test(options.redisUrl) ? createRedisClient({ url: options.redisUrl }) : createRedisClient({ clusterEndpoint: options.redisUrl });
    } else {
      localRedis = await startLocalRedis();
      cleanups.push(() => localRedis!.stop());
      redis = createRedisClient({ clusterEndpoint: localRedis.endpoint });
    }
    redis.on('error', () => undefined);
    cleanups.push(async () => redis.disconnect());

    // fauxqs refuses request bodies over 11 MiB, so a presigned PUT above that fails locally: cap imports there
    // by default so the API answers 413 up front instead (AWS takes the 50 MB default).
    const env = { IMPORT_MAX_BYTES: String(11 * 1024 * 1024), ...process.env, MAX_RECEIVE_COUNT: String(maxReceiveCount), ...options.env };
    const deps = buildDeps({
      config: configFromEnv(env),
      redis,
      s3,
      sqs,
      bucket,
      queueUrl: queue.QueueUrl!,
      tombstoneTtlSeconds: tombstoneTtlFromEnv(env),
      leaseMs: options.leaseMs ?? leaseMsFromEnv(env),
      // No EventBridge locally: completion events are log lines {"message":"event", detailType, detail}.
      events: loggedEvents(),
    });
    const getDeps = () => deps;

    const routes: MountedRoute[] = [];
    for (const route of ROUTES) {
      const module = await loadHandler(route.handler);
      if (module) routes.push({ ...route, lambda: module.makeHandler(getDeps) as unknown as ApiLambda });
    }
    const server = createApiServer(routes, site);
    await new Promise<void>((resolve) => server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const port = (server.address() as AddressInfo).port;

    const worker = makeWorker(getDeps, options.workerOptions);
    let poller: Poller | null = null;
    const startWorker = () => {
      if (poller) return;
      poller = startPoller({
        sqs,
        queueUrl: queue.QueueUrl!,
        queueArn,
        worker: worker as never,
        batchSize: options.batchSize,
        concurrency: options.workerConcurrency,
      });
    };
    const stopWorker = async () => {
      const p = poller;
      poller = null;
      await p?.stop();
    };
    if (options.worker !== false) startWorker();
    cleanups.push(stopWorker);

    return {
      url: `http://${options.host ?? '127.0.0.1'}:${port}`,
      port,
      endpoint,
      bucket,
      queueUrl: queue.QueueUrl!,
      queueArn,
      dlqUrl: dlq.QueueUrl!,
      s3,
      sqs,
      redis,
      localRedis,
      fauxqs,
      deps,
      get poller() {
        return poller;
      },
      worker,
      startWorker,
      stopWorker,
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

type HandlerModule = { makeHandler: (getDeps: () => Deps) => unknown };

async function loadHandler(name: string): Promise<HandlerModule | null> {
  try {
    return (await import(`../lambdas/api/handlers/${name}.ts`)) as HandlerModule;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url|Unknown variable dynamic import/.test(String(error))) return null;
    throw error;
  }
}

/**
 * Browser uploads (issue 6): the demo page PUTs import files straight to the presigned URL, another origin, so the
 * browser sends a CORS preflight first. fauxqs has no CORS at all (no OPTIONS routes; PutBucketCors is not
 * implemented), so for the local stack only, answer preflights and add Access-Control-Allow-Origin in front of it,
 * as the bucket's CORS rules do in AWS (and honour response-content-disposition, as S3 does). Fastify creates its http.Server synchronously inside startFauxqs(), so
 * http.createServer is wrapped for that one synchronous call and restored before anything else runs.
 */
function startFauxqsWithCors(options: Parameters<typeof startFauxqs>[0]): Promise<FauxqsServer> {
  const original = http.createServer;
  const withCors =
    (listener: http.RequestListener): http.RequestListener =>
    (req, res) => {
      const origin = req.headers.origin;
      if (origin) {
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('access-control-expose-headers', 'ETag');
        res.setHeader('vary', 'Origin');
      }
      if (origin && req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
        res.writeHead(204, {
          'access-control-allow-methods': 'GET, PUT, HEAD',
          'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
          'access-control-max-age': '600',
        });
        return res.end();
      }
      // Like S3, honour a presigned GET's response-content-disposition (fauxqs ignores it), so the browser saves
      // the download under the task's file name rather than the object key.
      const disposition = req.method === 'GET' && req.url?.includes('response-content-disposition=') ? new URL(req.url, 'http://local').searchParams.get('response-content-disposition') : null;
      if (disposition) res.setHeader('content-disposition', disposition);
      listener(req, res);
    };
  http.createServer = ((...args: unknown[]) => {
    const i = args.findIndex((a) => typeof a === 'function');
    if (i >= 0) args[i] = withCors(args[i] as http.RequestListener);
    return (original as (...a: unknown[]) => http.Server)(...args);
  }) as typeof http.createServer;
  try {
    return startFauxqs(options);
  } finally {
    http.createServer = original;
  }
}
