/**
 * Progress and heartbeat for a running task. A timer writes progress about once a second (never per row) and
 * renews the lease; the hot loop only reads a flag to learn that the task was cancelled or taken over.
 */
import type { Clock, TaskStore } from '../ports';
import { TaskCancelledError } from '../errors';
import type { TaskRecord } from '../task';

export class TaskProgress {
  processed = 0;
  total: number | null;
  /** Set when a checkpoint learns the task must stop. */
  stopped: 'cancelled' | 'lost' | 'deadline' | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly store: TaskStore,
    private readonly clock: Clock,
    private readonly task: TaskRecord,
    private readonly token: string,
    private readonly intervalMs = 1000,
  ) {
    this.total = task.total;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
  }

  /** Writes progress now (unless a write is already under way). Errors are left to the next tick. */
  flush(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.store
      .checkpoint(this.task, this.token, this.processed, this.total, this.clock.now())
      .then((outcome) => {
        if (outcome !== 'running') this.stopped = outcome;
      })
      .catch(() => undefined)
      .finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  /** Throws at a checkpoint when the task must stop: the caller aborts its upload. */
  check(): void {
    if (this.stopped) throw new TaskCancelledError();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
  }
}
