/**
 * One CloudWatch dashboard for operators: throughput and outcomes (from the functions' EMF metrics), errors,
 * task duration and queue-wait percentiles, queue depth and age of the oldest message, DLQ depth, alarm states.
 * The EMF metrics are read with the [service] dimension set, which the runtime writes next to [service, kind, type]
 * (lambdas/adapters/metrics/emf-task-metrics.ts), so totals and percentiles span every export and import type.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  type IAlarm,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Must match POWERTOOLS_METRICS_NAMESPACE in runtime-environment.ts. */
export const METRICS_NAMESPACE = 'AsyncFileTasks';

export interface TaskDashboardProps {
  readonly serviceName: string;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly worker: IFunction;
  readonly apiFunctions: readonly IFunction[];
  readonly httpApi: IHttpApi;
  readonly alarms: readonly IAlarm[];
  /** Default: `<stack name>-tasks`. */
  readonly dashboardName?: string;
}

export class TaskDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: TaskDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const task = (metricName: string, statistic: string, label?: string): Metric =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: props.serviceName },
        statistic,
        period,
        ...(label ? { label } : {}),
      });
    const sumOf = (label: string, metrics: IMetric[]): IMetric =>
      metrics.length === 1
        ? metrics[0]!
        : new MathExpression({
            label,
            period,
            expression: metrics.map((_m, i) => `m${i}`).join(' + '),
            usingMetrics: Object.fromEntries(metrics.map((m, i) => [`m${i}`, m])),
          });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? `${Stack.of(this).stackName}-tasks`,
      defaultInterval: Duration.hours(3),
    });

    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '## async-file-tasks\nFollow one task by its id or traceId with the Logs Insights queries in docs/OPERATIONS.md; redrive the DLQ from the SQS console.',
        width: 24,
        height: 2,
      }),
    );

    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Throughput: tasks per 5 minutes',
        width: 12,
        left: [
          task('TasksRegistered', 'Sum', 'registered'),
          task('TasksSucceeded', 'Sum', 'succeeded'),
          task('TasksFailed', 'Sum', 'failed'),
          task('TasksCancelled', 'Sum', 'cancelled'),
        ],
      }),
      new GraphWidget({
        title: 'Errors',
        width: 12,
        left: [
          props.worker.metricErrors({ period, statistic: 'Sum', label: 'worker errors' }),
          sumOf(
            'API function errors',
            props.apiFunctions.map((fn) => fn.metricErrors({ period, statistic: 'Sum' })),
          ),
          new Metric({ namespace: 'AWS/ApiGateway', metricName: '5xx', dimensionsMap: { ApiId: props.httpApi.apiId }, statistic: 'Sum', period, label: 'API 5xx' }),
          task('DlqArrivals', 'Sum', 'DLQ arrivals'),
          task('TaskRetries', 'Sum', 'task retries'),
        ],
      }),
    );

    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Task duration (claim to finish), ms',
        width: 12,
        left: [task('TaskDuration', 'p50', 'p50'), task('TaskDuration', 'p90', 'p90'), task('TaskDuration', 'p99', 'p99')],
      }),
      new GraphWidget({
        title: 'Queue wait (enqueue to claim), ms',
        width: 12,
        left: [task('QueueWait', 'p50', 'p50'), task('QueueWait', 'p90', 'p90'), task('QueueWait', 'p99', 'p99')],
      }),
    );

    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Queue depth and age of the oldest message',
        width: 12,
        left: [
          props.queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: 'visible' }),
          props.queue.metricApproximateNumberOfMessagesNotVisible({ period, statistic: 'Maximum', label: 'in flight' }),
        ],
        right: [props.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum', label: 'oldest message age (s)' })],
      }),
      new GraphWidget({
        title: 'Dead-letter queue depth',
        width: 6,
        left: [props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: 'DLQ messages' })],
      }),
      new SingleValueWidget({
        title: 'Rows and bytes (sum)',
        width: 6,
        metrics: [task('RowsProduced', 'Sum', 'rows exported'), task('BytesProduced', 'Sum', 'bytes exported'), task('RowsImported', 'Sum', 'rows imported'), task('RowsRejected', 'Sum', 'rows rejected')],
      }),
    );

    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', width: 24, height: 3, alarms: [...props.alarms] }));
  }
}
