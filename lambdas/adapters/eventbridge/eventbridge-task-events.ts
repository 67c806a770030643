/** TaskEvents on EventBridge: one PutEvents entry per completion, on the configured bus (default: `default`). */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { TaskEventDetail, TaskEventType, TaskEvents } from '../../core/ports';

export const EVENT_SOURCE = 'async-file-tasks';

export class EventBridgeTaskEvents implements TaskEvents {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
    private readonly source: string = EVENT_SOURCE,
  ) {}

  async publish(detailType: TaskEventType, detail: TaskEventDetail): Promise<void> {
    const response = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.eventBusName,
            Source: this.source,
            DetailType: detailType,
            // detail.traceId links the event to the task's logs (docs/OPERATIONS.md).
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    // PutEvents reports per-entry failures in a 200 response: surface them as errors.
    if (response.FailedEntryCount) {
      const entry = response.Entries?.find((e) => e.ErrorCode);
      throw new Error(`EventBridge refused the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim());
    }
  }
}
