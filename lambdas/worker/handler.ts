/**
 * SQS-triggered worker. Records run one after another (exports are memory-heavy; concurrency comes from the
 * event source's maxConcurrency). Failed records are reported individually so the rest of the batch is deleted.
 * Every line about a record carries taskId, owner (LOG_OWNER), kind, type, attempt and traceId; the metrics the
 * use case recorded are flushed once per invocation.
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Deps } from '../core/deps';
import { parseMessage } from '../core/message';
import { count } from '../core/use-cases/task-events';
import { runTask, type RunTaskOptions } from '../core/use-cases/run-task';
import { logger, taskLogKeys } from '../runtime/logger';
import { publishingDepsFromEnv } from '../runtime/publishing-container';

/** Time kept back from the Lambda timeout to abort an upload and record the failure. */
export const HAND_BACK_MS = 20_000;

export function makeHandler(getDeps: () => Deps = publishingDepsFromEnv, options: RunTaskOptions = {}) {
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event, context) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    const deadlineAt = Date.now() + Math.max(0, context.getRemainingTimeInMillis() - HAND_BACK_MS);
    let deps: Deps | undefined;
    try {
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
        const logKeys = { ...taskLogKeys(message, receiveCount), messageId: record.messageId };
        if (Date.now() >= deadlineAt) {
          // No time left in this invocation for another record: SQS delivers it again.
          logger.warn('No time left for this record; handing it back', logKeys);
          batchItemFailures.push({ itemIdentifier: record.messageId });
          continue;
        }
        let retry = false;
        try {
          deps = getDeps();
          logger.info('Task delivery received', { ...logKeys, requestedAt: message.requestedAt });
          const result = await runTask(deps, { message, receiveCount }, { ...options, deadlineAt });
          retry = result.outcome === 'retry';
          logger.info('Task delivery handled', { ...logKeys, ...result });
        } catch (error) {
          // The claim itself failed (Redis down): SQS delivers it again.
          retry = true;
          logger.warn('Task delivery failed; it will be retried', { ...logKeys, error: error as Error });
        }
        if (!retry) continue;
        batchItemFailures.push({ itemIdentifier: record.messageId });
        // On the last receive SQS moves the message to the dead-letter queue instead of delivering it again.
        if (deps && receiveCount >= deps.config.maxReceiveCount) {
          count(deps, 'DlqArrivals', 1, message);
          logger.error('Task message goes to the dead-letter queue', { ...logKeys, maxReceiveCount: deps.config.maxReceiveCount });
        }
      }
    } finally {
      try {
        deps?.metrics.flush();
      } catch (error) {
        logger.warn('Metrics not flushed', { error: error as Error });
      }
    }
    return { batchItemFailures };
  });
}

export const handler = makeHandler();
