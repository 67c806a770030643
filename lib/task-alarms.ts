/**
 * Alarms an operator acts on: a task reached the DLQ, the worker throws, or work is piling up in the queue.
 * All notify one SNS topic (given, or created here with an optional email subscription).
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
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

    this.dlqNotEmpty = new Alarm(this, 'DlqNotEmpty', {
      alarmDescription: 'A task message reached the dead-letter queue: see docs/DEPLOY.md, "Redriving failed tasks".',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.workerErrors = new Alarm(this, 'WorkerErrors', {
      alarmDescription: 'The worker function failed invocations (a thrown error, timeout or out-of-memory, not a failed task).',
      metric: props.worker.metricErrors({ period, statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.oldestMessageAge = new Alarm(this, 'OldestMessageAge', {
      alarmDescription: `Queued tasks wait more than ${props.messageAgeThreshold.toHumanString()}: the worker is stuck, throttled or at its concurrency limit.`,
      metric: props.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
      threshold: props.messageAgeThreshold.toSeconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    for (const alarm of [this.dlqNotEmpty, this.workerErrors, this.oldestMessageAge]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}
