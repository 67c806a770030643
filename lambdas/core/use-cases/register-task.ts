/**
 * What registering an export and an import share: the Idempotency-Key rule, a fresh record, and turning the
 * store's outcome (one active task per owner and type, the owner's cap, idempotency) into results and errors.
 */
import { createHash } from 'node:crypto';
import type { Deps } from '../deps';
import { ConflictError, TooManyTasksError, ValidationError } from '../errors';
import type { TaskRecord } from '../task';
import { presentTask } from './present-task';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export function checkIdempotencyKey(key: string | null | undefined): string | null {
  if (key === null || key === undefined) return null;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new ValidationError('Invalid Idempotency-Key', [{ field: 'Idempotency-Key', message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` }]);
  }
  return key;
}

type NewTask = Pick<TaskRecord, 'id' | 'owner' | 'kind' | 'type' | 'format' | 'fileName' | 'params' | 'phase' | 'total' | 'upload' | 'dryRun'>;

export function newTaskRecord(deps: Deps, fields: NewTask, traceId: string | null | undefined): TaskRecord {
  const now = deps.clock.now();
  return {
    ...fields,
    message: null,
    processed: 0,
    result: null,
    attempts: 0,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
    traceId: traceId || deps.ids.traceId(),
    objectKey: null,
  };
}

/**
 * Registers the task. Resolves with the new task, or the earlier one for a repeated Idempotency-Key; throws the
 * 409/429 errors otherwise. `request` is what makes two requests "the same" for the Idempotency-Key.
 */
export async function registerTask(deps: Deps, task: TaskRecord, idempotencyKey: string | null, request: unknown): Promise<{ outcome: 'created' | 'idempotent'; task: TaskRecord }> {
  const fingerprint = createHash('sha256').update(JSON.stringify(request)).digest('hex');
  const registered = await deps.store.register({ task, idempotencyKey, fingerprint, maxActive: deps.config.maxActiveTasksPerOwner });
  switch (registered.outcome) {
    case 'created':
    case 'idempotent':
      return { outcome: registered.outcome, task: registered.task };
    case 'idempotency_mismatch':
      throw new ConflictError('idempotency_key_reused', 'This Idempotency-Key was used for a different request', await presentTask(registered.task, deps.files, deps.config));
    case 'conflict':
      throw new ConflictError('task_active', `An ${task.kind} of type "${task.type}" is already in progress`, await presentTask(registered.task, deps.files, deps.config));
    case 'cap':
      throw new TooManyTasksError(deps.config.retryAfterSeconds, deps.config.maxActiveTasksPerOwner);
  }
}
