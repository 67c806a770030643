/**
 * Starts a throwaway redis-server in cluster mode (as ElastiCache Serverless is), one node owning every slot.
 * Used by `npm start` and by the tests, which also stop and restart it to simulate outages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port';

export interface LocalRedis {
  port: number;
  /** host:port for a cluster client. */
  endpoint: string;
  stop(): Promise<void>;
  /** Kills the server (an outage); `restart` brings it back. */
  kill(): Promise<void>;
  /** Restarts on the same port with the same cluster config (slots survive, data does not). */
  restart(): Promise<void>;
  isRunning(): boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startLocalRedis(options: { port?: number; binary?: string; cluster?: boolean } = {}): Promise<LocalRedis> {
  const cluster = options.cluster ?? true;
  const port = options.port ?? (await freePort());
  const binary = options.binary ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const dir = mkdtempSync(join(tmpdir(), 'aft-redis-'));
  let child: ChildProcess | null = null;

  const launch = async () => {
    const proc = spawn(
      binary,
      [
        '--port', String(port),
        '--bind', '127.0.0.1',
        ...(cluster
          ? [
              '--cluster-enabled', 'yes',
              '--cluster-config-file', join(dir, 'nodes.conf'),
              // Without it the node announces an address ioredis cannot use and Cluster hangs.
              '--cluster-announce-ip', '127.0.0.1',
            ]
          : []),
        '--dir', dir,
        '--save', '',
        '--appendonly', 'no',
        '--protected-mode', 'no',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    proc.stderr?.on('data', (d) => (stderr += String(d)));
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (e) => reject(new Error(`could not start ${binary}: ${e.message}`)));
      proc.once('exit', (code) => reject(new Error(`${binary} exited with ${code}: ${stderr}`)));
    });
    child = proc;
    await Promise.race([failed, waitForCluster(port, cluster)]);
  };

  await launch();

  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  };

  return {
    port,
    endpoint: `127.0.0.1:${port}`,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    kill: stop,
    restart: async () => {
      await stop();
      await launch();
    },
    isRunning: () => child !== null && child.exitCode === null,
  };
}

/** Gives the node every slot (first start) and waits until the cluster reports ok. */
async function waitForCluster(port: number, cluster: boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      if (!cluster) return;
      const info = String(await client.call('CLUSTER', 'INFO'));
      if (info.includes('cluster_slots_assigned:0')) await client.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      if (info.includes('cluster_state:ok')) return;
    } catch (error) {
      lastError = error;
    } finally {
      client.disconnect();
    }
    await sleep(50);
  }
  throw new Error(`redis-server on ${port} did not become a ready cluster: ${String(lastError)}`);
}
