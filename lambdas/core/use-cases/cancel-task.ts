/** POST /v1/tasks/{id}/cancel and DELETE /v1/tasks/{id} (the seed's clearTaskInfo). */
import type { Deps } from '../deps';
import { ConflictError, NotFoundError } from '../errors';
import { isActive, type ImportResult, type TaskView } from '../task';
import { presentTask } from './present-task';
import { TASK_ID } from './read-tasks';
import { taskEnded } from './task-events';

export async function cancelTask(deps: Deps, owner: string, id: string): Promise<TaskView> {
  const outcome = TASK_ID.test(id) ? await deps.store.cancel(owner, id, deps.clock.now()) : null;
  if (!outcome) throw new NotFoundError();
  const view = await presentTask(outcome.task, deps.files, deps.config);
  if (outcome.outcome === 'not_active') throw new ConflictError('task_not_active', `The task already ended (${outcome.task.phase})`, view);
  // A running worker sees "cancelled" at its next checkpoint and aborts its upload.
  await taskEnded(deps, 'Task Cancelled', outcome.task);
  return view;
}

export async function clearTask(deps: Deps, owner: string, id: string): Promise<void> {
  const task = TASK_ID.test(id) ? await deps.store.clear(owner, id, deps.clock.now()) : null;
  if (!task) throw new NotFoundError();
  // `task` is the record as it was before clearing: an active one was cancelled by the clear.
  if (isActive(task.phase)) {
    const now = deps.clock.now();
    await taskEnded(deps, 'Task Cancelled', { ...task, phase: 'cancelled', message: 'Cleared', finishedAt: now, updatedAt: now });
  }
  // The files go with the record. Best effort: the bucket's lifecycle rules remove anything left behind.
  const keys = [task.objectKey, task.upload?.key, (task.result as ImportResult | null)?.errorReportKey].filter((k): k is string => !!k);
  await Promise.all(keys.map((key) => deps.files.delete(key).catch(() => undefined)));
}
