/**
 * SQS-triggered worker. Records run one after another (exports are memory-heavy; concurrency comes from the
 * event source's maxConcurrency). Failed records are reported individually so the rest of the batch is deleted.
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Deps } from '../core/deps';
import { parseMessage } from '../core/message';
import { runTask, type RunTaskOptions } from '../core/use-cases/run-task';
import { depsFromEnv } from '../runtime/container';
import { logger } from '../runtime/logger';

export function makeHandler(getDeps: () => Deps = depsFromEnv, options: RunTaskOptions = {}) {
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      let message;
      try {
        message = parseMessage(record.body);
      } catch (error) {
        // A message nobody can read would only fail again: log it for the operator and let it go.
        logger.error('Discarding an unreadable queue message', { messageId: record.messageId, reason: (error as Error).message });
        continue;
      }
      const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
      const context = { taskId: message.taskId, kind: message.kind, type: message.type, attempt: receiveCount, traceId: message.traceId };
      try {
        const result = await runTask(getDeps(), { message, receiveCount }, options);
        logger.info('Task delivery handled', { ...context, ...result });
        if (result.outcome === 'retry') batchItemFailures.push({ itemIdentifier: record.messageId });
      } catch (error) {
        // The claim itself failed (Redis down): SQS delivers it again.
        logger.warn('Task delivery failed; it will be retried', { ...context, error: error as Error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  });
}

export const handler = makeHandler();
