/**
 * Template assertions for the invariants of issue 4: one synth (asset bundling skipped) shared by every test.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../lib/api-routes';
import { removeSynthOutputs, synth, type Synthesized } from './support/synth';

const CONTEXT = {
  jwtIssuer: 'https://idp.example.com/',
  jwtAudience: 'files-api,files-web',
  corsOrigins: 'https://app.example.com',
  tenantClaim: 'org_id',
  alarmEmail: 'ops@example.com',
};

type Resources = Record<string, { Type: string; Properties: any; [k: string]: any }>;

let s: Synthesized;
let resources: Resources;
/** Our functions (not CDK's custom-resource providers), by logical id. */
let functions: Resources;
let isolatedSubnetIds: string[];

const ofType = (type: string): Resources =>
  Object.fromEntries(Object.entries(resources).filter(([, r]) => r.Type === type)) as Resources;
const only = (rs: Resources) => {
  const entries = Object.entries(rs);
  expect(entries).toHaveLength(1);
  return entries[0]!;
};
const refId = (v: any): string => v?.Ref ?? v?.['Fn::GetAtt']?.[0];
const workerEntry = () => Object.entries(functions).find(([, f]) => f.Properties.Description.includes('worker'))!;

beforeAll(() => {
  s = synth({ context: CONTEXT });
  resources = s.json.Resources;
  functions = Object.fromEntries(
    Object.entries(ofType('AWS::Lambda::Function')).filter(([, f]) => String(f.Properties.Description ?? '').startsWith('async-file-tasks')),
  ) as Resources;
  isolatedSubnetIds = Object.entries(ofType('AWS::EC2::Subnet'))
    .filter(([, sn]) => sn.Properties.Tags.some((t: any) => t.Key === 'aws-cdk:subnet-type' && t.Value === 'Isolated'))
    .map(([id]) => id);
});

afterAll(removeSynthOutputs);

describe('network', () => {
  it('has two isolated subnets in two AZs and no route to the internet', () => {
    const subnets = ofType('AWS::EC2::Subnet');
    expect(Object.keys(subnets)).toHaveLength(2);
    expect(isolatedSubnetIds).toHaveLength(2);
    const azs = Object.values(subnets).map((sn) => JSON.stringify(sn.Properties.AvailabilityZone));
    expect(new Set(azs).size).toBe(2);
    for (const sn of Object.values(subnets)) expect(sn.Properties.MapPublicIpOnLaunch).toBe(false);
    s.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    s.template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    s.template.resourceCountIs('AWS::EC2::Route', 0);
  });

  it('reaches S3 through a gateway endpoint and SQS and EventBridge through interface endpoints', () => {
    const endpoints = Object.values(ofType('AWS::EC2::VPCEndpoint')).map((e) => ({
      type: e.Properties.VpcEndpointType,
      service: e.Properties.ServiceName['Fn::Join'][1].at(-1) as string,
      privateDns: e.Properties.PrivateDnsEnabled,
    }));
    expect(endpoints).toEqual(
      expect.arrayContaining([
        { type: 'Gateway', service: '.s3', privateDns: undefined },
        { type: 'Interface', service: '.sqs', privateDns: true },
        { type: 'Interface', service: '.events', privateDns: true },
      ]),
    );
    expect(endpoints).toHaveLength(3);
  });

  it('writes VPC flow logs', () => {
    s.template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  it('lets only the functions reach the cache and the endpoints, and nothing in from an address range', () => {
    const ingress = Object.values(ofType('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(ingress.length).toBeGreaterThan(0);
    const [fnSg] = only(Object.fromEntries(Object.entries(ofType('AWS::EC2::SecurityGroup')).filter(([id]) => id.includes('FunctionSg'))));
    for (const rule of ingress) {
      expect(rule.CidrIp).toBeUndefined();
      expect(rule.CidrIpv6).toBeUndefined();
      expect(refId(rule.SourceSecurityGroupId)).toBe(fnSg);
    }
    const [cacheSg] = only(Object.fromEntries(Object.entries(ofType('AWS::EC2::SecurityGroup')).filter(([id]) => id.includes('CacheSg'))));
    const toCache = ingress.filter((r) => refId(r.GroupId) === cacheSg);
    expect(toCache).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6380 })]);
    for (const sg of Object.values(ofType('AWS::EC2::SecurityGroup'))) {
      for (const rule of sg.Properties.SecurityGroupIngress ?? []) expect(rule.CidrIp).toBeUndefined();
    }
  });
});

describe('cache', () => {
  it('is an ElastiCache Serverless Valkey cache in the isolated subnets behind its own security group', () => {
    const [, cache] = only(ofType('AWS::ElastiCache::ServerlessCache'));
    expect(cache.Properties.Engine).toBe('valkey');
    expect(cache.Properties.ConnectionType).toBe('vpc');
    expect(cache.Properties.SubnetIds.map(refId).sort()).toEqual([...isolatedSubnetIds].sort());
    expect(cache.Properties.SecurityGroupIds.map(refId)).toEqual([expect.stringContaining('CacheSg')]);
  });
});

describe('functions', () => {
  it('defines one function per route plus the worker', () => {
    expect(Object.keys(functions)).toHaveLength(API_ROUTES.length + 1);
  });

  it('run Node.js 24 on arm64 with active tracing, in the isolated subnets, with their own retained log group', () => {
    for (const [, fn] of Object.entries(functions)) {
      const p = fn.Properties;
      expect(p.Runtime).toBe('nodejs24.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.TracingConfig).toEqual({ Mode: 'Active' });
      expect(p.Handler).toBe('index.handler');
      expect(p.VpcConfig.SubnetIds.map(refId).sort()).toEqual([...isolatedSubnetIds].sort());
      expect(p.VpcConfig.SecurityGroupIds.map(refId)).toEqual([expect.stringContaining('FunctionSg')]);
      const logGroup = resources[refId(p.LoggingConfig.LogGroup)]!;
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties.RetentionInDays).toBe(30);
    }
  });

  it('get the runtime environment, Redis as a TLS cluster at the serverless endpoint', () => {
    const [cacheId] = only(ofType('AWS::ElastiCache::ServerlessCache'));
    const [queueId] = only(Object.fromEntries(Object.entries(ofType('AWS::SQS::Queue')).filter(([id]) => !id.includes('DeadLetter'))));
    for (const fn of Object.values(functions)) {
      const env = fn.Properties.Environment.Variables;
      expect(env).toMatchObject({
        REDIS_ENDPOINT: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [cacheId, 'Endpoint.Address'] }, ':', { 'Fn::GetAtt': [cacheId, 'Endpoint.Port'] }]] },
        REDIS_TLS: 'true',
        REDIS_CLUSTER: 'true',
        BUCKET_NAME: { Ref: expect.stringContaining('Files') },
        QUEUE_URL: { Ref: queueId },
        EVENT_BUS_NAME: 'default',
        TASK_TTL_SECONDS: '1800',
        DOWNLOAD_URL_TTL_SECONDS: '300',
        UPLOAD_URL_TTL_SECONDS: '900',
        MAX_ACTIVE_TASKS: '5',
        IMPORT_MAX_BYTES: String(50 * 1024 * 1024),
        MAX_RECEIVE_COUNT: '5',
        TOMBSTONE_TTL_SECONDS: String(15 * 86_400),
        OWNER_CLAIM: 'sub',
        TENANT_CLAIM: 'org_id',
        LOG_LEVEL: 'INFO',
        POWERTOOLS_SERVICE_NAME: 'async-file-tasks',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('size the worker for streaming xlsx (memory, timeout, /tmp)', () => {
    const [, worker] = workerEntry();
    expect(worker.Properties.MemorySize).toBe(2048);
    expect(worker.Properties.Timeout).toBe(300);
    expect(worker.Properties.EphemeralStorage).toEqual({ Size: 2048 });
  });
});

describe('queues', () => {
  const queues = () => {
    const all = ofType('AWS::SQS::Queue');
    const [dlqId, dlq] = only(Object.fromEntries(Object.entries(all).filter(([id]) => id.includes('DeadLetter'))));
    const [queueId, queue] = only(Object.fromEntries(Object.entries(all).filter(([id]) => !id.includes('DeadLetter'))));
    return { dlqId, dlq: dlq.Properties, queueId, queue: queue.Properties };
  };

  it('are encrypted and TLS-only', () => {
    const { dlqId, queueId, dlq, queue } = queues();
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(dlq.SqsManagedSseEnabled).toBe(true);
    for (const id of [queueId, dlqId]) {
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('dead-letter after maxReceiveCount receives, the same count the worker is told', () => {
    const { dlqId, queue } = queues();
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 });
    const [, worker] = workerEntry();
    expect(worker.Properties.Environment.Variables.MAX_RECEIVE_COUNT).toBe(String(queue.RedrivePolicy.maxReceiveCount));
  });

  it('keep messages invisible for at least six times the worker timeout', () => {
    const { queue } = queues();
    const [, worker] = workerEntry();
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker.Properties.Timeout);
  });

  it('keep dead letters 14 days, longer than the queue keeps messages', () => {
    const { dlq, queue } = queues();
    expect(dlq.MessageRetentionPeriod).toBe(14 * 86_400);
    expect(dlq.MessageRetentionPeriod).toBeGreaterThan(queue.MessageRetentionPeriod);
  });

  it('let only the work queue use the DLQ, so the console can redrive back to it', () => {
    const { dlq, queue } = queues();
    expect(dlq.RedriveAllowPolicy.redrivePermission).toBe('byQueue');
    const [arn] = dlq.RedriveAllowPolicy.sourceQueueArns;
    const parts = arn['Fn::Join'][1];
    expect(parts.at(-1)).toBe(`:${queue.QueueName}`);
    expect(parts).toContain(':sqs:');
  });

  it('feed the worker in small batches with partial failures and bounded concurrency', () => {
    const { queueId } = queues();
    const [workerId] = workerEntry();
    const [, mapping] = only(ofType('AWS::Lambda::EventSourceMapping'));
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: workerId },
      BatchSize: 2,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });
});

describe('bucket', () => {
  const files = () => only(Object.fromEntries(Object.entries(ofType('AWS::S3::Bucket')).filter(([id]) => id.includes('Files'))));

  it('blocks public access, encrypts, and logs access', () => {
    for (const bucket of Object.values(ofType('AWS::S3::Bucket'))) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    }
    expect(files()[1].Properties.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: expect.stringContaining('AccessLogs') });
  });

  it('denies every request that is not TLS', () => {
    for (const bucketId of Object.keys(ofType('AWS::S3::Bucket'))) {
      s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('expires exports, reports and uploads, and aborts incomplete multipart uploads after a day', () => {
    const rules = files()[1].Properties.LifecycleConfiguration.Rules as any[];
    const byPrefix = Object.fromEntries(rules.filter((r) => r.Prefix).map((r) => [r.Prefix, r.ExpirationInDays]));
    expect(byPrefix).toEqual({ 'exports/': 1, 'reports/': 1, 'uploads/': 2 });
    expect(rules).toContainEqual(expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }));
    for (const r of rules) {
      expect(r.Status).toBe('Enabled');
      if (r.AbortIncompleteMultipartUpload) expect(r.Prefix).toBeUndefined();
    }
  });

  it('allows browser PUT uploads and GET downloads from the configured origins only', () => {
    const [rule] = files()[1].Properties.CorsConfiguration.CorsRules;
    expect(rule.AllowedOrigins).toEqual(['https://app.example.com']);
    expect(rule.AllowedMethods).toEqual(expect.arrayContaining(['PUT', 'GET']));
    expect(rule.AllowedMethods).not.toContain('DELETE');
    expect(rule.AllowedMethods).not.toContain('POST');
  });
});

describe('HTTP API', () => {
  it('has exactly the contract routes, each on its own function', () => {
    const routes = Object.values(ofType('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    const targets = new Set<string>();
    for (const route of routes) {
      const integrationId = route.Target['Fn::Join'][1][1].Ref as string;
      const integration = resources[integrationId]!.Properties;
      expect(integration.PayloadFormatVersion).toBe('2.0');
      const fnId = integration.IntegrationUri['Fn::GetAtt'][0] as string;
      // The function's description names its route: the wiring is not shuffled.
      expect(functions[fnId]!.Properties.Description).toContain(route.RouteKey);
      targets.add(fnId);
    }
    expect(targets.size).toBe(API_ROUTES.length);
  });

  it('puts the JWT authorizer on every route; CORS preflight has no route and is answered by API Gateway', () => {
    const [authorizerId, authorizer] = only(ofType('AWS::ApiGatewayV2::Authorizer'));
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://idp.example.com/', Audience: ['files-api', 'files-web'] },
    });
    for (const route of Object.values(ofType('AWS::ApiGatewayV2::Route'))) {
      expect(route.Properties.AuthorizationType).toBe('JWT');
      expect(route.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
      expect(route.Properties.RouteKey).not.toMatch(/^(OPTIONS|ANY) /);
    }
  });

  it('answers CORS for the configured origins', () => {
    const [, api] = only(ofType('AWS::ApiGatewayV2::Api'));
    expect(api.Properties.CorsConfiguration).toMatchObject({
      AllowOrigins: ['https://app.example.com'],
      AllowMethods: expect.arrayContaining(['GET', 'POST', 'DELETE']),
      AllowHeaders: expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']),
    });
  });

  it('throttles the stage and writes JSON access logs', () => {
    const [, stage] = only(ofType('AWS::ApiGatewayV2::Stage'));
    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    const logGroup = resources[refId(stage.Properties.AccessLogSettings.DestinationArn)]!;
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBe(30);
    expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });
});

describe('alarms', () => {
  const alarms = () => Object.values(ofType('AWS::CloudWatch::Alarm')).map((a) => a.Properties);

  it('fire on DLQ depth, worker errors and the age of the oldest message', () => {
    const metrics = alarms().map((a) => `${a.Namespace}/${a.MetricName}`).sort();
    expect(metrics).toEqual(['AWS/Lambda/Errors', 'AWS/SQS/ApproximateAgeOfOldestMessage', 'AWS/SQS/ApproximateNumberOfMessagesVisible']);
    const dlq = alarms().find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')!;
    expect(dlq.Threshold).toBe(0);
    expect(dlq.ComparisonOperator).toBe('GreaterThanThreshold');
    expect(dlq.Dimensions[0].Value['Fn::GetAtt'][0]).toContain('DeadLetter');
    const errors = alarms().find((a) => a.MetricName === 'Errors')!;
    expect(errors.Dimensions[0].Value).toEqual({ Ref: workerEntry()[0] });
  });

  it('notify the SNS topic, which mails the configured address', () => {
    const [topicId] = only(ofType('AWS::SNS::Topic'));
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
    }
    s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topicId } });
  });
});

describe('outputs', () => {
  it('name the API URL, bucket, queue and DLQ', () => {
    expect(Object.keys(s.json.Outputs)).toEqual(
      expect.arrayContaining(['ApiUrl', 'BucketName', 'QueueUrl', 'DeadLetterQueueUrl', 'DeadLetterQueueName', 'AlarmTopicArn']),
    );
  });
});
