/** TaskQueue on SQS. The message is self-contained (see core/message.ts). */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { UnavailableError } from '../../core/errors';
import type { TaskMessage } from '../../core/message';
import type { TaskQueue } from '../../core/ports';

export class SqsTaskQueue implements TaskQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: TaskMessage): Promise<void> {
    try {
      await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }));
    } catch (error) {
      throw new UnavailableError('The task queue is unavailable; try again shortly', error);
    }
  }
}
