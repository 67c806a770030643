/** POST /v1/exports: validate, register (one active task per owner and type), enqueue. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { findExportType } from '../../catalog/registry';
import type { Deps } from '../deps';
import { ConflictError, TooManyTasksError, ValidationError } from '../errors';
import { cleanFileName } from '../file-name';
import { messageFor } from '../message';
import type { TaskRecord, TaskView } from '../task';
import { parseOrThrow } from '../zod-errors';
import { presentTask } from './present-task';
import { count } from './task-events';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const body = z
  .object({
    type: z.string({ error: 'is required' }).min(1).max(64),
    format: z.enum(['xlsx', 'csv'], { error: 'must be "xlsx" or "csv"' }),
    params: z.record(z.string(), z.unknown(), { error: 'must be an object' }).optional(),
    fileName: z.string({ error: 'must be a string' }).max(255).optional(),
  })
  .strict();

export interface RegisterExportInput {
  owner: string;
  body: unknown;
  idempotencyKey?: string | null;
  traceId?: string | null;
}

export interface RegisterExportOutput {
  /** created: 202; idempotent: the same request again, 200. */
  outcome: 'created' | 'idempotent';
  task: TaskView;
}

export async function registerExport(deps: Deps, input: RegisterExportInput): Promise<RegisterExportOutput> {
  const request = parseOrThrow(body, input.body);
  const type = findExportType(request.type);
  if (!type) throw new ValidationError('Unknown export type', [{ field: 'type', message: `no export type named "${request.type}"` }]);
  if (!type.formats.includes(request.format)) {
    throw new ValidationError('Unsupported format', [{ field: 'format', message: `"${type.name}" exports ${type.formats.join(', ')}` }]);
  }
  const params = parseOrThrow(type.params, request.params ?? {}, 'params', 'The export parameters are invalid') as Record<string, unknown>;
  const idempotencyKey = input.idempotencyKey ?? null;
  if (idempotencyKey !== null && (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
    throw new ValidationError('Invalid Idempotency-Key', [{ field: 'Idempotency-Key', message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` }]);
  }

  const now = deps.clock.now();
  const task: TaskRecord = {
    id: deps.ids.taskId(),
    owner: input.owner,
    kind: 'export',
    type: type.name,
    format: request.format,
    fileName: cleanFileName(request.fileName, `${type.defaultFileName}-${new Date(now).toISOString().slice(0, 10)}`, request.format),
    params,
    phase: 'queued',
    message: null,
    processed: 0,
    total: type.count(params),
    result: null,
    attempts: 0,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
    traceId: input.traceId || deps.ids.traceId(),
    objectKey: null,
    upload: null,
    dryRun: false,
  };
  const fingerprint = createHash('sha256').update(JSON.stringify([type.name, request.format, params, request.fileName ?? null])).digest('hex');
  const registered = await deps.store.register({ task, idempotencyKey, fingerprint, maxActive: deps.config.maxActiveTasksPerOwner });

  switch (registered.outcome) {
    case 'idempotent':
      return { outcome: 'idempotent', task: await presentTask(registered.task, deps.files, deps.config) };
    case 'idempotency_mismatch':
      throw new ConflictError('idempotency_key_reused', 'This Idempotency-Key was used for a different request', await presentTask(registered.task, deps.files, deps.config));
    case 'conflict':
      throw new ConflictError('task_active', `An export of type "${type.name}" is already in progress`, await presentTask(registered.task, deps.files, deps.config));
    case 'cap':
      throw new TooManyTasksError(deps.config.retryAfterSeconds, deps.config.maxActiveTasksPerOwner);
    case 'created':
      break;
  }

  try {
    await deps.queue.send(messageFor(task));
  } catch (error) {
    // Nothing may stay "queued" without a message: undo, so the client's retry can succeed.
    await deps.store.abandon(task.owner, task.id).catch(() => undefined);
    throw error;
  }
  count(deps, 'TasksRegistered', 1, task);
  return { outcome: 'created', task: await presentTask(task, deps.files, deps.config) };
}
