/** TaskStore on Redis/Valkey (plain or cluster mode). Every multi-key change is one Lua script. */
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { UnavailableError } from '../../core/errors';
import type { TaskMessage } from '../../core/message';
import type { CheckpointOutcome, ClaimOutcome, RegisterInput, RegisterOutcome, TaskRef, TaskStore } from '../../core/ports';
import type { ExportResult, ImportResult, TaskKind, TaskRecord } from '../../core/task';
import { ownerKeys, type OwnerKeys } from './keys';
import { whenReady } from './redis-client';
import { decodeRecord, encodeRecord } from './record-codec';
import * as scripts from './scripts';

export interface RedisTaskStoreOptions {
  ttlSeconds: number;
  /** At least the DLQ's retention, so a replayed message of a cancelled task still finds it. */
  tombstoneTtlSeconds: number;
  /** A worker that stops heartbeating loses its claim after this long. */
  leaseMs: number;
  keyPrefix?: string;
  /** How long a call waits for a (re)connecting client before answering "unavailable". */
  readyTimeoutMs?: number;
}

type Client = Redis | Cluster;
type ScriptName = 'aftDropPointer' | 'aftRegister' | 'aftAbandon' | 'aftMove' | 'aftCancel' | 'aftClaim' | 'aftCheckpoint' | 'aftComplete' | 'aftFail';

const SCRIPTS: Record<ScriptName, string> = {
  aftDropPointer: scripts.DROP_POINTER,
  aftRegister: scripts.REGISTER,
  aftAbandon: scripts.ABANDON,
  aftMove: scripts.MOVE,
  aftCancel: scripts.CANCEL,
  aftClaim: scripts.CLAIM,
  aftCheckpoint: scripts.CHECKPOINT,
  aftComplete: scripts.COMPLETE,
  aftFail: scripts.FAIL,
};

export class RedisTaskStore implements TaskStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Client,
    private readonly options: RedisTaskStoreOptions,
  ) {
    this.prefix = options.keyPrefix ?? 'aft:';
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { lua });
    }
  }

  private keys(owner: string): OwnerKeys {
    return ownerKeys(this.prefix, owner);
  }

  /** The five keys every transition script shares. */
  private taskKeys(owner: string, id: string, kind: string, type: string): string[] {
    const k = this.keys(owner);
    return [k.record(id), k.active(kind, type), k.activeSet, k.recent, k.tombstone(id)];
  }

  private async run<T>(name: ScriptName, keys: string[], args: (string | number)[]): Promise<T> {
    const fn = (this.redis as unknown as Record<string, (...a: unknown[]) => Promise<T>>)[name]!;
    return this.guard(() => fn.call(this.redis, keys.length, ...keys, ...args));
  }

  /** Redis errors become one clear "unavailable" error: the API answers 503, the worker retries. */
  private async guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      await whenReady(this.redis, this.options.readyTimeoutMs ?? 3000);
      return await op();
    } catch (error) {
      throw new UnavailableError('The task store is unavailable; try again shortly', error);
    }
  }

  private common(id: string, now: number): (string | number)[] {
    return [this.options.ttlSeconds, now, id];
  }

  async register(input: RegisterInput, attempt = 1): Promise<RegisterOutcome> {
    const { task, idempotencyKey, fingerprint, maxActive } = input;
    const k = this.keys(task.owner);
    const keys = this.taskKeys(task.owner, task.id, task.kind, task.type);
    const idemKey = k.idempotency(idempotencyKey ?? '');
    keys.push(idemKey);
    const fields = encodeRecord(task, { fingerprint, idemKey: idempotencyKey ? idemKey : '' });
    const [outcome, existingId] = await this.run<[string, string]>('aftRegister', keys, [
      ...this.common(task.id, task.createdAt),
      maxActive,
      idempotencyKey ? '1' : '0',
      task.createdAt,
      ...fields,
    ]);
    if (outcome === 'created') return { outcome, task };
    if (outcome === 'cap') return { outcome, retryAfterSeconds: 0 };
    const existing = await this.getRaw(task.owner, existingId);
    if (!existing) {
      // The pointer outlived its task (it vanished between the script and this read): drop it, try once more.
      if (attempt > 1) throw new UnavailableError('The task store changed under the request; try again');
      const pointer = outcome === 'idempotent' ? idemKey : keys[1]!;
      await this.run('aftDropPointer', [pointer], [existingId]);
      return this.register(input, attempt + 1);
    }
    if (outcome === 'idempotent') {
      return existing.fingerprint === fingerprint
        ? { outcome: 'idempotent', task: existing.task }
        : { outcome: 'idempotency_mismatch', task: existing.task };
    }
    return { outcome: 'conflict', task: existing.task };
  }

  async abandon(owner: string, id: string): Promise<void> {
    const raw = await this.getRaw(owner, id);
    if (!raw) return;
    const keys = this.taskKeys(owner, id, raw.task.kind, raw.task.type);
    // The Idempotency-Key goes too, so the client's retry with it registers afresh.
    if (raw.idemKey) keys.push(raw.idemKey);
    await this.run('aftAbandon', keys, [...this.common(id, Date.now()), this.options.tombstoneTtlSeconds]);
  }

  private async getRaw(owner: string, id: string): Promise<{ task: TaskRecord; fingerprint: string; idemKey: string } | null> {
    const hash = await this.guard(() => this.redis.hgetall(this.keys(owner).record(id)));
    const task = decodeRecord(hash);
    // The owner field is checked too: the key already scopes by owner, this guards against key collisions.
    if (!task || task.owner !== owner) return null;
    return { task, fingerprint: hash.fingerprint ?? '', idemKey: hash.idemKey ?? '' };
  }

  async get(owner: string, id: string): Promise<TaskRecord | null> {
    return (await this.getRaw(owner, id))?.task ?? null;
  }

  async list(owner: string, filter: { kind?: TaskKind; type?: string }, limit: number): Promise<TaskRecord[]> {
    const k = this.keys(owner);
    // Tasks live 30 minutes by default, so the recent set stays small; read a window and filter.
    const ids = await this.guard(() => this.redis.zrevrange(k.recent, 0, 199));
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(k.record(id));
    const replies = (await this.guard(() => pipeline.exec())) ?? [];
    const tasks: TaskRecord[] = [];
    const expired: string[] = [];
    replies.forEach(([error, hash], i) => {
      const task = error ? null : decodeRecord(hash as Record<string, string>);
      if (!task) expired.push(ids[i]!);
      else if (task.owner === owner && (!filter.kind || task.kind === filter.kind) && (!filter.type || task.type === filter.type)) tasks.push(task);
    });
    if (expired.length > 0) await this.guard(() => this.redis.zrem(k.recent, ...expired));
    return tasks.slice(0, limit);
  }

  async current(owner: string, kind: TaskKind, type: string): Promise<TaskRecord | null> {
    const activeId = await this.guard(() => this.redis.get(this.keys(owner).active(kind, type)));
    if (activeId) {
      const active = await this.get(owner, activeId);
      if (active) return active;
    }
    return (await this.list(owner, { kind, type }, 1))[0] ?? null;
  }

  async markQueued(owner: string, id: string, now: number): Promise<TaskRecord | null> {
    return this.move(owner, id, 'awaiting_upload', 'queued', now);
  }

  /** Undo markQueued when the message could not be sent, so the client can call start again. */
  async unmarkQueued(owner: string, id: string, now: number): Promise<TaskRecord | null> {
    return this.move(owner, id, 'queued', 'awaiting_upload', now);
  }

  private async move(owner: string, id: string, from: string, to: string, now: number): Promise<TaskRecord | null> {
    const task = await this.get(owner, id);
    if (!task) return null;
    const moved = await this.run<number>('aftMove', this.taskKeys(owner, id, task.kind, task.type), [...this.common(id, now), from, to]);
    return moved === 1 ? this.get(owner, id) : null;
  }

  async cancel(owner: string, id: string, now: number) {
    const task = await this.get(owner, id);
    if (!task) return null;
    const outcome = await this.run<string>('aftCancel', this.taskKeys(owner, id, task.kind, task.type), [
      ...this.common(id, now),
      this.options.tombstoneTtlSeconds,
      'Cancelled',
      '0',
    ]);
    if (outcome === 'not_found') return null;
    const after = (await this.get(owner, id)) ?? task;
    return { outcome: outcome as 'cancelled' | 'not_active', task: after };
  }

  async clear(owner: string, id: string, now: number): Promise<TaskRecord | null> {
    const task = await this.get(owner, id);
    if (!task) return null;
    const outcome = await this.run<string>('aftCancel', this.taskKeys(owner, id, task.kind, task.type), [
      ...this.common(id, now),
      this.options.tombstoneTtlSeconds,
      'Cleared',
      '1',
    ]);
    return outcome === 'cleared' ? task : null;
  }

  async claim(message: TaskMessage, now: number): Promise<ClaimOutcome> {
    const token = randomUUID();
    const seed: TaskRecord = {
      id: message.taskId,
      owner: message.owner,
      kind: message.kind,
      type: message.type,
      format: message.format,
      fileName: message.fileName,
      params: message.params,
      phase: 'queued',
      message: null,
      processed: 0,
      total: null,
      result: null,
      attempts: 0,
      createdAt: Date.parse(message.requestedAt) || now,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
      traceId: message.traceId,
      objectKey: null,
      upload: message.upload ?? null,
      dryRun: message.dryRun ?? false,
    };
    const keys = this.taskKeys(message.owner, message.taskId, message.kind, message.type);
    const [outcome, phase] = await this.run<[string, string]>('aftClaim', keys, [
      ...this.common(message.taskId, now),
      this.options.leaseMs,
      token,
      ...encodeRecord(seed),
    ]);
    if (outcome === 'skip') return { outcome, phase };
    if (outcome === 'busy') return { outcome };
    const task = await this.get(message.owner, message.taskId);
    if (!task) throw new UnavailableError('The claimed task vanished');
    return { outcome: 'claimed', task, token };
  }

  async checkpoint(task: TaskRef, token: string, processed: number, total: number | null, now: number): Promise<CheckpointOutcome> {
    return this.run<CheckpointOutcome>('aftCheckpoint', this.taskKeys(task.owner, task.id, task.kind, task.type), [
      ...this.common(task.id, now),
      this.options.leaseMs,
      token,
      processed,
      total === null ? '' : total,
    ]);
  }

  async complete(task: TaskRef, token: string, result: ExportResult | ImportResult, objectKey: string | null, now: number, message = ''): Promise<'succeeded' | 'cancelled' | 'lost'> {
    const processed = 'rows' in result ? result.rows : result.total;
    return this.run<'succeeded' | 'cancelled' | 'lost'>('aftComplete', this.taskKeys(task.owner, task.id, task.kind, task.type), [
      ...this.common(task.id, now),
      token,
      JSON.stringify(result),
      objectKey ?? '',
      message,
      processed,
    ]);
  }

  async fail(task: TaskRef, token: string, message: string, retry: boolean, now: number): Promise<void> {
    await this.run('aftFail', this.taskKeys(task.owner, task.id, task.kind, task.type), [...this.common(task.id, now), token, message, retry ? '1' : '0']);
  }
}
