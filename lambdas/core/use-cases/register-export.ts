/** POST /v1/exports: validate, register (one active task per owner and type), enqueue. */
import * as z from 'zod';
import { findExportType } from '../../catalog/registry';
import type { Deps } from '../deps';
import { ValidationError } from '../errors';
import { cleanFileName } from '../file-name';
import { messageFor } from '../message';
import type { TaskView } from '../task';
import { parseOrThrow } from '../zod-errors';
import { presentTask } from './present-task';
import { checkIdempotencyKey, newTaskRecord, registerTask } from './register-task';
import { count } from './task-events';

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
  const idempotencyKey = checkIdempotencyKey(input.idempotencyKey);

  const fileName = cleanFileName(request.fileName, `${type.defaultFileName}-${new Date(deps.clock.now()).toISOString().slice(0, 10)}`, request.format);
  const task = newTaskRecord(
    deps,
    { id: deps.ids.taskId(), owner: input.owner, kind: 'export', type: type.name, format: request.format, fileName, params, phase: 'queued', total: type.count(params), upload: null, dryRun: false },
    input.traceId,
  );
  const registered = await registerTask(deps, task, idempotencyKey, [type.name, request.format, params, request.fileName ?? null]);
  if (registered.outcome === 'idempotent') return { outcome: 'idempotent', task: await presentTask(registered.task, deps.files, deps.config) };

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
