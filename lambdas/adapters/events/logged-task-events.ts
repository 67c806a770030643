/** TaskEvents for the local stack: each event becomes one JSON log line `{"message":"event", detailType, detail}`. */
import type { TaskEventDetail, TaskEventType, TaskEvents } from '../../core/ports';

export type LogLine = (message: string, attributes: Record<string, unknown>) => void;

export class LoggedTaskEvents implements TaskEvents {
  constructor(
    private readonly log: LogLine,
    private readonly source = 'async-file-tasks',
  ) {}

  async publish(detailType: TaskEventType, detail: TaskEventDetail): Promise<void> {
    this.log('event', { source: this.source, detailType, detail });
  }
}
