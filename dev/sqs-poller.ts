/**
 * A local stand-in for Lambda's SQS event source mapping: long-polls the queue, hands batches to the worker
 * handler, deletes what succeeded and leaves reported failures to reappear after the visibility timeout, so the
 * queue's redrive policy moves them to the DLQ after maxReceiveCount, as in AWS.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-context';

export type WorkerLambda = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse | void>;

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  worker: WorkerLambda;
  batchSize?: number;
  /** Parallel pollers, like the event source's maxConcurrency. */
  concurrency?: number;
  onError?: (error: unknown) => void;
}

export interface Poller {
  stop(): Promise<void>;
  /** Batches currently inside the worker. */
  readonly busy: number;
}

export function startPoller(options: PollerOptions): Poller {
  const { sqs, queueUrl, queueArn, worker } = options;
  let running = true;
  let busy = 0;
  const abort = new AbortController();

  const loop = async () => {
    while (running) {
      try {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: options.batchSize ?? 2,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        const messages = received.Messages ?? [];
        if (!running || messages.length === 0) continue;
        const records: SQSRecord[] = messages.map((m) => ({
          messageId: m.MessageId!,
          receiptHandle: m.ReceiptHandle!,
          body: m.Body ?? '',
          attributes: {
            ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
            SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
            SenderId: 'local',
            ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
          },
          messageAttributes: {},
          md5OfBody: m.MD5OfBody ?? '',
          eventSource: 'aws:sqs',
          eventSourceARN: queueArn,
          awsRegion: 'us-east-1',
        }));
        busy++;
        let failed: Set<string>;
        try {
          const response = await worker({ Records: records }, lambdaContext('worker'));
          failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        } catch (error) {
          // A thrown handler fails the whole batch, as in Lambda.
          options.onError?.(error);
          failed = new Set(records.map((r) => r.messageId));
        } finally {
          busy--;
        }
        const done = records.filter((r) => !failed.has(r.messageId));
        if (done.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
            }),
          );
        }
      } catch (error) {
        if (!running) break;
        options.onError?.(error);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  const loops = Array.from({ length: options.concurrency ?? 2 }, () => loop());
  return {
    get busy() {
      return busy;
    },
    stop: async () => {
      running = false;
      abort.abort();
      await Promise.allSettled(loops);
    },
  };
}
