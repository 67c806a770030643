/**
 * Alarms an operator acts on: a task reached the DLQ, the worker throws, or work is piling up in the queue.
 * All notify one SNS topic (given, or created here with an optional email subscription).
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IAlarmAction, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface TaskAlarmsProps {
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly worker: IFunction;
  readonly topic?: ITopic;
  readonly email?: string;
  readonly messageAgeThreshold: Duration;
}

export class TaskAlarms extends Construct {
  readonly topic: ITopic;
  readonly dlqNotEmpty: Alarm;
  readonly workerErrors: Alarm;
  readonly oldestMessageAge: Alarm;

  constructor(scope: Construct, id: string, props: TaskAlarmsProps) {
    super(scope, id);

    this.topic = props.topic ?? new Topic(this, 'Topic', { displayName: 'async-file-tasks alarms', enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    const action: IAlarmAction = new SnsAction(this.topic);

    // SQS publishes its metrics every five minutes; a shorter period would only see gaps.
    const period = Duration.minutes(5);

    // Every alarm fires on one period above its threshold, treats missing data as fine, and notifies both ways.
    const alarm = (alarmId: string, alarmDescription: string, metric: IMetric, threshold: number): Alarm => {
      const created = new Alarm(this, alarmId, {
        alarmDescription,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      return created;
    };

    this.dlqNotEmpty = alarm(
      'DlqNotEmpty',
      'A task message reached the dead-letter queue: see docs/DEPLOY.md, "Redriving failed tasks".',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      0,
    );
    this.workerErrors = alarm(
      'WorkerErrors',
      'The worker function failed invocations (a thrown error, timeout or out-of-memory, not a failed task).',
      props.worker.metricErrors({ period, statistic: 'Sum' }),
      0,
    );
    this.oldestMessageAge = alarm(
      'OldestMessageAge',
      `Queued tasks wait more than ${props.messageAgeThreshold.toHumanString()}: the worker is stuck, throttled or at its concurrency limit.`,
      props.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
      props.messageAgeThreshold.toSeconds(),
    );
  }
}
