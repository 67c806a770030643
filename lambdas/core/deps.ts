/** Everything a use case may need, injected by the composition root (AWS or the local stack or a test). */
import type { CoreConfig } from './config';
import type { Clock, FileStore, IdGenerator, TaskQueue, TaskStore } from './ports';

export interface Deps {
  store: TaskStore;
  queue: TaskQueue;
  files: FileStore;
  clock: Clock;
  ids: IdGenerator;
  config: CoreConfig;
}
