/**
 * The task store against both kinds of client: a plain Redis (REDIS_URL) and cluster mode (ElastiCache
 * Serverless), each a real redis-server. The transitions are the same Lua scripts in both.
 */
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRedis, type LocalRedis } from '../../dev/redis-server';
import { createRedisClient } from '../../lambdas/adapters/redis/redis-client';
import { RedisTaskStore } from '../../lambdas/adapters/redis/redis-task-store';
import { messageFor } from '../../lambdas/core/message';
import type { TaskRecord } from '../../lambdas/core/task';

const task = (id: string, owner = 'alice', type = 'orders'): TaskRecord => ({
  id, owner, kind: 'export', type, format: 'csv', fileName: 'o.csv', params: { rows: 3 }, phase: 'queued', message: null,
  processed: 0, total: 3, result: null, attempts: 0, createdAt: 1_000, startedAt: null, finishedAt: null, updatedAt: 1_000,
  traceId: '1-a-b', objectKey: null, upload: null, dryRun: false,
});

for (const mode of ['plain', 'cluster'] as const) {
  describe(`RedisTaskStore with a ${mode} client`, () => {
    let server: LocalRedis;
    let client: Redis | Cluster;
    let store: RedisTaskStore;

    beforeAll(async () => {
      server = await startLocalRedis({ cluster: mode === 'cluster' });
      client = mode === 'plain' ? createRedisClient({ url: `redis://127.0.0.1:${server.port}` }) : createRedisClient({ clusterEndpoint: server.endpoint });
      store = new RedisTaskStore(client, { ttlSeconds: 60, tombstoneTtlSeconds: 600, leaseMs: 5_000 });
    });
    afterAll(async () => {
      client?.disconnect();
      await server?.stop();
    });

    it('registers one active task per owner and type, honours idempotency and the cap', async () => {
      const register = (t: TaskRecord, key: string | null = null, fingerprint = 'f') => store.register({ task: t, idempotencyKey: key, fingerprint, maxActive: 2 });
      expect((await register(task('a1'), 'k')).outcome).toBe('created');
      expect(await register(task('a2'))).toMatchObject({ outcome: 'conflict', task: { id: 'a1' } });
      expect(await register(task('a3'), 'k')).toMatchObject({ outcome: 'idempotent', task: { id: 'a1' } });
      expect(await register(task('a4'), 'k', 'other')).toMatchObject({ outcome: 'idempotency_mismatch' });
      expect((await register(task('b1', 'alice', 'other-type'))).outcome).toBe('created');
      expect((await register(task('c1', 'alice', 'third-type'))).outcome).toBe('cap');
      expect((await register(task('z1', 'bob'))).outcome).toBe('created');
      expect((await store.list('alice', {}, 10)).map((t) => t.id).sort()).toEqual(['a1', 'b1']);
      expect(await store.get('bob', 'a1')).toBeNull();
    });

    it('claims once, checkpoints progress that only grows, completes and frees the slot', async () => {
      const a1 = task('a1');
      const message = messageFor(task('a1'));
      const claim = await store.claim(message, 2_000);
      expect(claim.outcome).toBe('claimed');
      if (claim.outcome !== 'claimed') return;
      expect(await store.claim(message, 2_001)).toEqual({ outcome: 'busy' });
      expect(await store.checkpoint(a1, claim.token, 2, 3, 2_100)).toBe('running');
      expect(await store.checkpoint(a1, claim.token, 1, 3, 2_200)).toBe('running');
      expect((await store.get('alice', 'a1'))!.processed).toBe(2);
      expect(await store.checkpoint(a1, 'not-the-token', 3, 3, 2_300)).toBe('lost');
      expect(await store.complete(a1, claim.token, { rows: 3, bytes: 10, sheets: 1 }, 'exports/x', 2_400)).toBe('succeeded');
      expect(await store.get('alice', 'a1')).toMatchObject({ phase: 'succeeded', processed: 3, attempts: 1, objectKey: 'exports/x', result: { rows: 3 } });
      expect(await store.claim(message, 2_500)).toEqual({ outcome: 'skip', phase: 'succeeded' });
      expect((await store.current('alice', 'export', 'orders'))!.id).toBe('a1');
      const next = await store.register({ task: task('a5'), idempotencyKey: null, fingerprint: 'f', maxActive: 5 });
      expect(next.outcome).toBe('created');
    });

    it('cancels, tombstones against replays, and clears', async () => {
      const cancelled = await store.cancel('alice', 'a5', 3_000);
      expect(cancelled).toMatchObject({ outcome: 'cancelled', task: { phase: 'cancelled' } });
      expect(await store.claim(messageFor(task('a5')), 3_100)).toEqual({ outcome: 'skip', phase: 'cancelled' });
      expect((await store.cancel('alice', 'a5', 3_200))!.outcome).toBe('not_active');
      expect((await store.clear('alice', 'a5', 3_300))!.id).toBe('a5');
      expect(await store.get('alice', 'a5')).toBeNull();
      expect(await store.clear('alice', 'a5', 3_400)).toBeNull();
    });

    it('an abandoned registration (its send failed) never runs, even if the message got through', async () => {
      const t = task('ab1', 'dave');
      expect((await store.register({ task: t, idempotencyKey: 'dk', fingerprint: 'f', maxActive: 5 })).outcome).toBe('created');
      await store.abandon('dave', 'ab1');
      expect(await store.get('dave', 'ab1')).toBeNull();
      expect(await store.claim(messageFor(t), 5_000)).toEqual({ outcome: 'skip', phase: 'cancelled' });
      // The client's retry with the same key registers afresh.
      expect((await store.register({ task: task('ab2', 'dave'), idempotencyKey: 'dk', fingerprint: 'f', maxActive: 5 })).outcome).toBe('created');
    });

    it('re-creates an expired record from the message, and puts a retried task back in the queue', async () => {
      const r1 = task('r1', 'carol');
      const message = messageFor(r1);
      const claim = await store.claim(message, 4_000);
      expect(claim).toMatchObject({ outcome: 'claimed', task: { id: 'r1', owner: 'carol', phase: 'running', attempts: 1 } });
      if (claim.outcome !== 'claimed') return;
      await store.fail(r1, claim.token, 'Attempt 1 failed; retrying.', true, 4_100);
      expect(await store.get('carol', 'r1')).toMatchObject({ phase: 'queued', message: 'Attempt 1 failed; retrying.' });
      const again = await store.claim(message, 4_200);
      expect(again).toMatchObject({ outcome: 'claimed', task: { attempts: 2, message: null } });
      if (again.outcome !== 'claimed') return;
      await store.fail(r1, again.token, 'gave up', false, 4_300);
      expect(await store.get('carol', 'r1')).toMatchObject({ phase: 'failed', message: 'gave up' });
      // Every key carries a TTL.
      const keys = mode === 'plain' ? await (client as Redis).keys('aft:*') : await (client as Cluster).nodes('master')[0]!.keys('aft:*');
      for (const key of keys) expect(await client.ttl(key), key).toBeGreaterThan(0);
    });
  });
}
