/** Everything a use case may need, injected by the composition root (AWS or the local stack or a test). */
import type { CoreConfig } from './config';
import type { Clock, FileStore, IdGenerator, TaskEvents, TaskMetrics, TaskQueue, TaskStore } from './ports';

export interface Deps {
  store: TaskStore;
  queue: TaskQueue;
  files: FileStore;
  clock: Clock;
  ids: IdGenerator;
  config: CoreConfig;
  /** Completion events (Task Succeeded / Failed / Cancelled). */
  events: TaskEvents;
  /** Counters and timings, published once per invocation by the handler. */
  metrics: TaskMetrics;
}
