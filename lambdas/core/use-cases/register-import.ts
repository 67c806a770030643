/**
 * POST /v1/imports: validate, register the task in phase awaiting_upload (same rules as exports: one active
 * task per owner and type, the owner's cap, Idempotency-Key), and hand out a presigned PUT bound to the declared
 * size. Nothing is enqueued until POST /v1/tasks/{id}/start.
 */
import * as z from 'zod';
import { findImportType } from '../../catalog/registry';
import type { Deps } from '../deps';
import { PayloadTooLargeError, ValidationError } from '../errors';
import { cleanFileName } from '../file-name';
import { uploadKey } from '../object-keys';
import type { PresignedUpload } from '../ports';
import type { FileFormat, TaskRecord, TaskView } from '../task';
import { parseOrThrow } from '../zod-errors';
import { presentTask } from './present-task';
import { count } from './task-events';
import { checkIdempotencyKey, newTaskRecord, registerTask } from './register-task';

const body = z
  .object({
    type: z.string({ error: 'is required' }).min(1).max(64),
    fileName: z.string({ error: 'is required' }).min(1, { error: 'is required' }).max(255),
    size: z.number({ error: 'must be the file size in bytes' }).int({ error: 'must be a whole number of bytes' }).positive({ error: 'must be at least 1 byte' }),
    dryRun: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .strict();

export interface RegisterImportInput {
  owner: string;
  body: unknown;
  idempotencyKey?: string | null;
  traceId?: string | null;
}

export interface ImportTaskView extends TaskView {
  /** Where to PUT the file; null once the task no longer awaits its upload. */
  upload: PresignedUpload | null;
}

export interface RegisterImportOutput {
  /** created: 201; idempotent: the same request again, 200. */
  outcome: 'created' | 'idempotent';
  task: ImportTaskView;
}

/** For display only: the worker detects the real format from the content. */
export const guessFormat = (fileName: string): FileFormat => (/\.xlsx$/i.test(fileName.trim()) ? 'xlsx' : 'csv');

async function withUpload(deps: Deps, task: TaskRecord): Promise<ImportTaskView> {
  const view = await presentTask(task, deps.files, deps.config);
  const upload = task.phase === 'awaiting_upload' && task.upload ? await deps.files.presignUpload(task.upload.key, task.upload.size) : null;
  return { ...view, upload };
}

export async function registerImport(deps: Deps, input: RegisterImportInput): Promise<RegisterImportOutput> {
  const request = parseOrThrow(body, input.body);
  const type = findImportType(request.type);
  if (!type) throw new ValidationError('Unknown import type', [{ field: 'type', message: `no import type named "${request.type}"` }]);
  if (request.size > deps.config.importMaxBytes) {
    throw new PayloadTooLargeError(`The file is ${request.size} bytes; imports accept at most ${deps.config.importMaxBytes} bytes`, 'size');
  }
  const idempotencyKey = checkIdempotencyKey(input.idempotencyKey);

  const id = deps.ids.taskId();
  const format = guessFormat(request.fileName);
  const dryRun = request.dryRun ?? false;
  const task = newTaskRecord(
    deps,
    {
      id,
      owner: input.owner,
      kind: 'import',
      type: type.name,
      format,
      fileName: cleanFileName(request.fileName, type.name, format),
      params: {},
      phase: 'awaiting_upload',
      total: null,
      // The key is ours: the user's file name never reaches S3.
      upload: { key: uploadKey(input.owner, id), size: request.size },
      dryRun,
    },
    input.traceId,
  );
  const registered = await registerTask(deps, task, idempotencyKey, ['import', type.name, request.fileName, request.size, dryRun]);
  if (registered.outcome === 'idempotent') return { outcome: 'idempotent', task: await withUpload(deps, registered.task) };
  count(deps, 'TasksRegistered', 1, task);
  return { outcome: 'created', task: await withUpload(deps, task) };
}
