import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** Receives one message, for tests that play the event source themselves. */
export async function receiveOne(sqs: SQSClient, queueUrl: string, waitSeconds = 2) {
  const received = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: waitSeconds, MessageSystemAttributeNames: ['All'] }),
  );
  return received.Messages?.[0] ?? null;
}

export function sqsEvent(records: { messageId: string; body: string; receiveCount?: number }[]): SQSEvent {
  return {
    Records: records.map(
      (r): SQSRecord => ({
        messageId: r.messageId,
        receiptHandle: `handle-${r.messageId}`,
        body: r.body,
        attributes: { ApproximateReceiveCount: String(r.receiveCount ?? 1), SentTimestamp: String(Date.now()), SenderId: 'test', ApproximateFirstReceiveTimestamp: String(Date.now()) },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:async-file-tasks',
        awsRegion: 'us-east-1',
      }),
    ),
  };
}
