/**
 * The deployable stack: the AsyncFileTasks construct, its outputs and its cdk-nag acknowledgements.
 * Env-agnostic on purpose (no account/region), so synth needs no AWS credentials and no lookups.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { AsyncFileTasks, type AsyncFileTasksProps } from './async-file-tasks';
import { acknowledgeNagFindings } from './nag-acknowledgements';

export interface AsyncFileTasksStackProps extends StackProps {
  /** Construct props; `eventBus` and `alarmTopic` may instead be given by name/ARN below. */
  readonly tasks: AsyncFileTasksProps;
  /** Name of an existing bus for completion events. @default the default bus */
  readonly eventBusName?: string;
  /** ARN of an existing topic for alarm notifications. @default a new topic */
  readonly alarmTopicArn?: string;
}

export class AsyncFileTasksStack extends Stack {
  readonly tasks: AsyncFileTasks;

  constructor(scope: Construct, id: string, props: AsyncFileTasksStackProps) {
    super(scope, id, props);

    const eventBus = props.eventBusName ? EventBus.fromEventBusName(this, 'EventBus', props.eventBusName) : props.tasks.eventBus;
    const alarmTopic = props.alarmTopicArn ? Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) : props.tasks.alarmTopic;
    this.tasks = new AsyncFileTasks(this, 'Tasks', {
      ...props.tasks,
      ...(eventBus ? { eventBus } : {}),
      ...(alarmTopic ? { alarmTopic } : {}),
    });

    const output = (id: string, value: string, description: string): CfnOutput => new CfnOutput(this, id, { value, description });
    output('ApiUrl', this.tasks.api.url, 'Base URL of the HTTP API (routes under /v1)');
    output('BucketName', this.tasks.bucket.bucketName, 'Bucket for uploads, exports and error reports');
    output('QueueUrl', this.tasks.queue.queueUrl, 'Task queue');
    output('QueueName', this.tasks.queue.queueName, 'Task queue name (redrive destination)');
    output('DeadLetterQueueUrl', this.tasks.deadLetterQueue.queueUrl, 'Dead-letter queue of failed task messages');
    output('DeadLetterQueueName', this.tasks.deadLetterQueue.queueName, 'Dead-letter queue name (SQS console, "Start DLQ redrive")');
    output('AlarmTopicArn', this.tasks.alarms.topic.topicArn, 'SNS topic the alarms notify');
    output('CacheEndpoint', this.tasks.cache.endpoint, 'Valkey endpoint (host:port, TLS, reachable only from the functions)');

    acknowledgeNagFindings(this.tasks);
  }
}
