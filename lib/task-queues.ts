/**
 * Work queue and its dead-letter queue. The DLQ keeps failed task messages for the longest SQS allows, and only
 * the work queue may use it, so an operator can redrive them back from the SQS console.
 */
import { ArnFormat, Names, Stack, type Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface TaskQueuesProps {
  readonly visibilityTimeout: Duration;
  readonly retention: Duration;
  readonly dlqRetention: Duration;
  readonly maxReceiveCount: number;
}

export class TaskQueues extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: TaskQueuesProps) {
    super(scope, id);

    // The DLQ's redrive-allow policy names the work queue and the work queue's redrive policy names the DLQ;
    // referencing both resources would be a dependency cycle, so the work queue gets a fixed, derived name
    // and the DLQ refers to it by ARN.
    const base = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    const queueName = `${base}-tasks`;
    const queueArn = Stack.of(this).formatArn({ service: 'sqs', resource: queueName, arnFormat: ArnFormat.NO_RESOURCE_NAME });

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: `${base}-tasks-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.dlqRetention,
      redriveAllowPolicy: {
        redrivePermission: RedrivePermission.BY_QUEUE,
        sourceQueues: [Queue.fromQueueArn(this, 'WorkQueueRef', queueArn)],
      },
    });

    this.queue = new Queue(this, 'Queue', {
      queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: props.retention,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
