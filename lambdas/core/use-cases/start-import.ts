/**
 * POST /v1/tasks/{id}/start: the file was PUT to the presigned URL; check it is there with the declared size
 * (the emulator does not enforce the signed Content-Length, and clients make mistakes), then enqueue.
 * A wrong-sized object is deleted and the task stays awaiting_upload, so the user can upload again.
 */
import type { Deps } from '../deps';
import { ConflictError, NotFoundError } from '../errors';
import { messageFor } from '../message';
import type { TaskView } from '../task';
import { presentTask } from './present-task';
import { TASK_ID } from './read-tasks';

export async function startImport(deps: Deps, owner: string, id: string): Promise<TaskView> {
  const task = TASK_ID.test(id) ? await deps.store.get(owner, id) : null;
  if (!task) throw new NotFoundError();
  const view = () => presentTask(task, deps.files, deps.config);
  if (task.kind !== 'import' || task.phase !== 'awaiting_upload' || !task.upload) {
    const why = task.kind !== 'import' ? 'only imports are started' : `the task is ${task.phase}`;
    throw new ConflictError('task_not_awaiting_upload', `The task is not waiting for an upload (${why})`, await view());
  }
  const { key, size } = task.upload;
  const object = await deps.files.head(key);
  if (!object) throw new ConflictError('upload_missing', 'No file was uploaded for this task: upload the file to the upload URL first', await view());
  if (object.size !== size) {
    await deps.files.delete(key).catch(() => undefined);
    throw new ConflictError(
      'upload_size_mismatch',
      `The uploaded file has ${object.size} bytes but ${size} were declared; it was discarded, upload the file again`,
      await view(),
    );
  }

  const queued = await deps.store.markQueued(owner, id, deps.clock.now());
  if (!queued) {
    // Another start (or a cancel) got there first.
    const now = await deps.store.get(owner, id);
    if (!now) throw new NotFoundError();
    throw new ConflictError('task_not_awaiting_upload', `The task is not waiting for an upload (the task is ${now.phase})`, await presentTask(now, deps.files, deps.config));
  }
  try {
    await deps.queue.send(messageFor(queued));
  } catch (error) {
    // Nothing may stay "queued" without a message: back to awaiting_upload, so the client can start again.
    await deps.store.unmarkQueued(owner, id, deps.clock.now()).catch(() => undefined);
    throw error;
  }
  return presentTask(queued, deps.files, deps.config);
}
