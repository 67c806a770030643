/**
 * Builds the ioredis client from settings. ElastiCache Serverless is cluster-mode with TLS, so AWS uses
 * Redis.Cluster; a plain URL is fine for a single local server. Timeouts are short: a request that cannot reach
 * Redis should fail fast (503 from the API, a retry for the worker), not hang.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';

export interface RedisSettings {
  /** redis://host:port or rediss://host:port for a plain client. */
  url?: string;
  /** host:port of a cluster-mode endpoint. */
  clusterEndpoint?: string;
  tls?: boolean;
  commandTimeoutMs?: number;
}

export function createRedisClient(settings: RedisSettings): Redis | Cluster {
  const timeout = settings.commandTimeoutMs ?? 5000;
  const common: RedisOptions = {
    connectTimeout: timeout,
    commandTimeout: timeout,
    maxRetriesPerRequest: 1,
    // Reconnect quickly but without a storm.
    retryStrategy: (times) => Math.min(50 * times, 1000),
  };
  if (settings.clusterEndpoint) {
    const [host, port] = settings.clusterEndpoint.split(':');
    return new Cluster([{ host: host!, port: Number(port ?? 6379) }], {
      // ElastiCache's TLS certificate names the configuration endpoint: keep using the hostnames it returns.
      dnsLookup: (address, callback) => callback(null, address),
      redisOptions: { ...common, ...(settings.tls ? { tls: {} } : {}) },
      slotsRefreshTimeout: timeout,
      clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
      // Commands never wait in a queue to run late (after the API already answered 503): see whenReady.
      enableOfflineQueue: false,
    });
  }
  if (!settings.url) throw new Error('Redis is not configured: set REDIS_URL or REDIS_ENDPOINT');
  return new Redis(settings.url, { ...common, enableOfflineQueue: false, ...(settings.tls ? { tls: {} } : {}) });
}

/**
 * Waits (boundedly) for the client to be connected. With the offline queue off, a command sent while connecting
 * would fail at once; one sent while Redis is down must fail fast rather than run late.
 */
export async function whenReady(client: Redis | Cluster, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  if (client.status === 'wait') client.connect().catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms (status ${client.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}
