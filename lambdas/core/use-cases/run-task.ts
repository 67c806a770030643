/**
 * The worker's use case for one queue message: claim, run, and decide whether SQS should deliver it again.
 * Duplicate deliveries are no-ops; permanent failures are acknowledged; transient ones are retried by SQS and
 * marked failed on the last receive, from where a replay from the DLQ runs them again.
 */
import type { Deps } from '../deps';
import { PermanentTaskError, TaskCancelledError } from '../errors';
import { FailureSignal } from '../failure-signal';
import type { TaskMessage } from '../message';
import type { TaskStore } from '../ports';
import type { ExportResult, ImportResult, TaskRecord } from '../task';
import { runExport } from './run-export';
import { runImport } from './run-import';
import { count, taskEnded } from './task-events';
import { TaskProgress } from './task-progress';

export interface Delivery {
  message: TaskMessage;
  /** SQS ApproximateReceiveCount. */
  receiveCount: number;
}

/** done: delete the message. retry: report it as a batch item failure. */
export type DeliveryOutcome = { outcome: 'done' | 'retry'; detail: string };

export type TaskRunner = (deps: Deps, task: TaskRecord, token: string, progress: TaskProgress) => Promise<void>;

export interface RunTaskOptions {
  runners?: Partial<Record<'export' | 'import', TaskRunner>>;
  progressIntervalMs?: number;
  /**
   * When the invocation must have handed the task back (epoch ms): the worker stops the run, aborts its upload and
   * records the failure itself, instead of being killed by the Lambda timeout with the task left "running".
   */
  deadlineAt?: number;
}

export class DeadlineError extends Error {
  constructor() {
    super('The worker ran out of time before the task finished');
    this.name = 'DeadlineError';
  }
}

export async function runTask(deps: Deps, delivery: Delivery, options: RunTaskOptions = {}): Promise<DeliveryOutcome> {
  const { message, receiveCount } = delivery;
  const claimedAt = deps.clock.now();
  const claim = await deps.store.claim(message, claimedAt);
  if (claim.outcome === 'skip') return { outcome: 'done', detail: `skipped: task is ${claim.phase}` };
  // Another worker holds a live lease; if it dies, this redelivery finishes the job.
  if (claim.outcome === 'busy') return { outcome: 'retry', detail: 'busy: another worker is running this task' };

  const { task, token } = claim;
  // Enqueue to first claim; redeliveries and replays would add their backoff and DLQ time, so only the first counts.
  if (receiveCount === 1 && task.attempts <= 1) {
    const enqueuedAt = Date.parse(message.requestedAt);
    if (Number.isFinite(enqueuedAt)) count(deps, 'QueueWait', Math.max(0, claimedAt - enqueuedAt), task);
  }
  const runner = options.runners?.[task.kind] ?? (task.kind === 'export' ? runExport : runImport);
  const progress = new TaskProgress(deps.store, deps.clock, task, token, options.progressIntervalMs);
  const completion = watchCompletion(deps.store);
  /** `now`: the time the store recorded for the outcome, so the event's finishedAt matches the task view's. */
  const finished = (outcome: 'Task Succeeded' | 'Task Failed', now: number, changes: Partial<TaskRecord>) => {
    count(deps, 'TaskDuration', Math.max(0, now - claimedAt), task);
    return taskEnded(deps, outcome, { ...task, processed: progress.processed, ...changes, finishedAt: now, updatedAt: now });
  };
  progress.start();
  const timeUp = new FailureSignal();
  const deadline =
    options.deadlineAt === undefined
      ? null
      : setTimeout(() => {
          // The runner aborts its upload at its next checkpoint; the failure is recorded below at once.
          progress.stopped ??= 'deadline';
          timeUp.fail(new DeadlineError());
        }, Math.max(0, options.deadlineAt - deps.clock.now()));
  try {
    if (!runner) throw new PermanentTaskError(`This worker cannot run ${task.kind} tasks`);
    await timeUp.guard(runner({ ...deps, store: completion.store }, task, token, progress));
    const done = completion.succeeded;
    if (done) {
      // Only the worker whose completion won reports it (a cancel that got there first has its own event).
      countResult(deps, task, done.result);
      await finished('Task Succeeded', done.at, { phase: 'succeeded', result: done.result, objectKey: done.objectKey, message: done.message || null });
    }
    return { outcome: 'done', detail: 'succeeded' };
  } catch (error) {
    await progress.stop();
    if (error instanceof TaskCancelledError && progress.stopped !== 'deadline') return { outcome: 'done', detail: `stopped: ${progress.stopped ?? 'cancelled'}` };
    if (error instanceof PermanentTaskError) {
      const failedAt = deps.clock.now();
      await deps.store.fail(task, token, error.message, false, failedAt);
      await finished('Task Failed', failedAt, { phase: 'failed', message: error.message });
      return { outcome: 'done', detail: `failed: ${error.message}` };
    }
    const reason = error instanceof Error ? error.message : String(error);
    const last = receiveCount >= deps.config.maxReceiveCount;
    const text = last
      ? `The task failed after ${receiveCount} attempts (${reason}). It will run again if replayed from the dead-letter queue.`
      : `Attempt ${receiveCount} failed (${reason}); retrying.`;
    // Redis may be the thing that is down: SQS still redelivers, and the claim recovers the record then.
    const failedAt = deps.clock.now();
    await deps.store.fail(task, token, text, !last, failedAt).catch(() => undefined);
    // Only the final failure is an outcome; a retry is not (the handler counts DLQ arrivals).
    if (last) await finished('Task Failed', failedAt, { phase: 'failed', message: text });
    else count(deps, 'TaskRetries', 1, task);
    return { outcome: 'retry', detail: `transient: ${reason}` };
  } finally {
    if (deadline) clearTimeout(deadline);
    await progress.stop();
  }
}

function countResult(deps: Deps, task: TaskRecord, result: ExportResult | ImportResult): void {
  if ('rows' in result) {
    count(deps, 'RowsProduced', result.rows, task);
    count(deps, 'BytesProduced', result.bytes, task);
  } else if (!result.dryRun) {
    count(deps, 'RowsImported', result.imported, task);
    count(deps, 'RowsRejected', result.rejected, task);
  }
}

interface Completion {
  result: ExportResult | ImportResult;
  objectKey: string | null;
  message: string | undefined;
  at: number;
}

/**
 * The runners complete the task themselves; this sees what they stored and whether their completion won
 * (`succeeded`, not `cancelled` or `lost`), without an extra read and without changing what they do.
 */
function watchCompletion(store: TaskStore): { store: TaskStore; readonly succeeded: Completion | null } {
  let succeeded: Completion | null = null;
  const watched = new Proxy(store, {
    get(target, property) {
      if (property === 'complete') {
        return async (...args: Parameters<TaskStore['complete']>) => {
          const outcome = await target.complete(...args);
          if (outcome === 'succeeded') succeeded = { result: args[2], objectKey: args[3], at: args[4], message: args[5] };
          return outcome;
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    store: watched,
    get succeeded() {
      return succeeded;
    },
  };
}
