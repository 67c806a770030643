/**
 * Completion events and the counters that go with them. Both are best effort: publishing never fails a task
 * (the adapter logs the reason), and a metric is only recorded in memory until the handler flushes it.
 */
import type { CoreConfig } from '../config';
import type { Deps } from '../deps';
import type { TaskEventDetail, TaskEventType } from '../ports';
import { toView, type TaskRecord } from '../task';

/** The task view without URLs (presigned links are short-lived and owner-only), plus the owner. */
export function eventDetail(task: TaskRecord, config: CoreConfig): TaskEventDetail {
  const { url: _url, result, ...view } = toView(task, { url: null, errorReportUrl: null }, config.taskTtlSeconds);
  let detailResult: TaskEventDetail['result'] = null;
  if (result && 'rows' in result) detailResult = { rows: result.rows, bytes: result.bytes, sheets: result.sheets };
  else if (result) detailResult = { total: result.total, imported: result.imported, rejected: result.rejected, dryRun: result.dryRun };
  return { ...view, result: detailResult, owner: task.owner };
}

const METRIC_OF: Record<TaskEventType, 'TasksSucceeded' | 'TasksFailed' | 'TasksCancelled'> = {
  'Task Succeeded': 'TasksSucceeded',
  'Task Failed': 'TasksFailed',
  'Task Cancelled': 'TasksCancelled',
};

/** Counts the outcome and publishes its event; never throws. */
export async function taskEnded(deps: Deps, detailType: TaskEventType, task: TaskRecord): Promise<void> {
  try {
    deps.metrics.add(METRIC_OF[detailType], 1, { kind: task.kind, type: task.type });
    await deps.events.publish(detailType, eventDetail(task, deps.config));
  } catch {
    // The adapters log their own failures; the task's outcome stands.
  }
}

/** Records a metric without ever throwing (a metrics problem must not fail a request or a task). */
export function count(deps: Deps, name: Parameters<Deps['metrics']['add']>[0], value: number, task: Pick<TaskRecord, 'kind' | 'type'>): void {
  try {
    deps.metrics.add(name, value, { kind: task.kind, type: task.type });
  } catch {
    // ignore
  }
}
