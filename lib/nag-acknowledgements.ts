/**
 * Every cdk-nag (AwsSolutions) finding this stack accepts, each on the narrowest construct and with its reason.
 * Anything not listed here fails synth (test/infra/nag.test.ts keeps it that way).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { API_ROUTES, WORKER_ACCESS, type Access } from './api-routes';
import type { AsyncFileTasks } from './async-file-tasks';
import { objectPrefixes } from './task-grants';

const PACK = 'AwsSolutions';

function acknowledge(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${PACK}::${PACK}-${finding}`, reason });
}

const MANAGED_POLICY_REASONS: Record<string, string> = {
  AWSLambdaBasicExecutionRole:
    'AWS-maintained policy for writing the function\'s own CloudWatch logs; it grants nothing beyond logs:CreateLogGroup/CreateLogStream/PutLogEvents.',
  AWSLambdaVPCAccessExecutionRole:
    'AWS-maintained policy Lambda needs to manage its ENIs in the VPC (ec2:CreateNetworkInterface and friends have no useful resource-level scoping).',
};

export function acknowledgeNagFindings(tasks: AsyncFileTasks): void {
  const stack = Stack.of(tasks);
  const bucketId = stack.resolve(stack.getLogicalId(tasks.bucket.node.defaultChild as CfnBucket)) as string;

  const functions: { fn: IConstruct; access: readonly Access[] }[] = [
    ...API_ROUTES.map((route) => ({ fn: tasks.apiFunctions[route.name] as IConstruct, access: route.access })),
    { fn: tasks.worker, access: WORKER_ACCESS },
  ];

  for (const { fn, access } of functions) {
    for (const [policy, reason] of Object.entries(MANAGED_POLICY_REASONS)) {
      acknowledge(fn, `IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`, reason);
    }
    acknowledge(
      fn,
      'IAM5[Resource::*]',
      'Only X-Ray active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords), which supports no resource-level permissions; S3/SQS/EventBridge grants name their resources (checked by test/infra/nag.test.ts).',
    );
    for (const prefix of objectPrefixes(access)) {
      acknowledge(
        fn,
        `IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        `Object keys are per task and unknown in advance; the grant is limited to the ${prefix} prefix of the files bucket and to the actions this function needs.`,
      );
    }
  }
}
