/**
 * The worker's use case for one queue message: claim, run, and decide whether SQS should deliver it again.
 * Duplicate deliveries are no-ops; permanent failures are acknowledged; transient ones are retried by SQS and
 * marked failed on the last receive, from where a replay from the DLQ runs them again.
 */
import type { Deps } from '../deps';
import { PermanentTaskError, TaskCancelledError } from '../errors';
import type { TaskMessage } from '../message';
import type { TaskRecord } from '../task';
import { runExport } from './run-export';
import { runImport } from './run-import';
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
}

export async function runTask(deps: Deps, delivery: Delivery, options: RunTaskOptions = {}): Promise<DeliveryOutcome> {
  const { message, receiveCount } = delivery;
  const claim = await deps.store.claim(message, deps.clock.now());
  if (claim.outcome === 'skip') return { outcome: 'done', detail: `skipped: task is ${claim.phase}` };
  // Another worker holds a live lease; if it dies, this redelivery finishes the job.
  if (claim.outcome === 'busy') return { outcome: 'retry', detail: 'busy: another worker is running this task' };

  const { task, token } = claim;
  const runner = options.runners?.[task.kind] ?? (task.kind === 'export' ? runExport : runImport);
  const progress = new TaskProgress(deps.store, deps.clock, task, token, options.progressIntervalMs);
  progress.start();
  try {
    if (!runner) throw new PermanentTaskError(`This worker cannot run ${task.kind} tasks`);
    await runner(deps, task, token, progress);
    return { outcome: 'done', detail: 'succeeded' };
  } catch (error) {
    await progress.stop();
    if (error instanceof TaskCancelledError) return { outcome: 'done', detail: `stopped: ${progress.stopped ?? 'cancelled'}` };
    if (error instanceof PermanentTaskError) {
      await deps.store.fail(task.owner, task.id, token, error.message, false, deps.clock.now());
      return { outcome: 'done', detail: `failed: ${error.message}` };
    }
    const reason = error instanceof Error ? error.message : String(error);
    const last = receiveCount >= deps.config.maxReceiveCount;
    const text = last
      ? `The task failed after ${receiveCount} attempts (${reason}). It will run again if replayed from the dead-letter queue.`
      : `Attempt ${receiveCount} failed (${reason}); retrying.`;
    // Redis may be the thing that is down: SQS still redelivers, and the claim recovers the record then.
    await deps.store.fail(task.owner, task.id, token, text, !last, deps.clock.now()).catch(() => undefined);
    return { outcome: 'retry', detail: `transient: ${reason}` };
  } finally {
    await progress.stop();
  }
}
