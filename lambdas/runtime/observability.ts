/** Runtime wiring of the observability ports: default adapters and the "never fail the task" guard for events. */
import { LoggedTaskEvents } from '../adapters/events/logged-task-events';
import { EmfTaskMetrics } from '../adapters/metrics/emf-task-metrics';
import type { TaskEvents, TaskMetrics } from '../core/ports';
import { logger, taskLogKeys } from './logger';

export const DEFAULT_METRICS_NAMESPACE = 'AsyncFileTasks';

export function metricsFromEnv(env: NodeJS.ProcessEnv = process.env): TaskMetrics {
  return new EmfTaskMetrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'async-file-tasks',
  });
}

/** Events as log lines (the local stack, and any handler not wired to EventBridge). */
export function loggedEvents(): TaskEvents {
  return new LoggedTaskEvents((message, attributes) => logger.info(message, attributes));
}

/** Publishing failures are logged as warnings with the task's keys and never reach the use case. */
export function guardedEvents(inner: TaskEvents): TaskEvents {
  return {
    async publish(detailType, detail) {
      try {
        await inner.publish(detailType, detail);
      } catch (error) {
        logger.warn('Completion event not published', { ...taskLogKeys(detail), detailType, error: error as Error });
      }
    },
  };
}
