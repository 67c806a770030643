/**
 * A worker in its own process, wired from environment variables exactly as in Lambda (depsFromEnv), so a test can
 * kill it with SIGKILL mid-export: the closest thing here to a Lambda invocation dying.
 */
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { lambdaContext } from '../../dev/lambda-context';
import { handler } from '../../lambdas/worker/handler';
import { sqsEvent } from './queue';

const sqs = new SQSClient({ endpoint: process.env.AWS_ENDPOINT_URL });
const queueUrl = process.env.QUEUE_URL!;

for (;;) {
  const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }));
  const message = received.Messages?.[0];
  if (!message) continue;
  process.send?.({ received: message.MessageId });
  await handler(sqsEvent([{ messageId: message.MessageId!, body: message.Body!, receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1) }]), lambdaContext('worker'));
  process.send?.({ finished: message.MessageId });
}
