/**
 * The reusable construct: network, cache, bucket, queues, functions, HTTP API and alarms of async-file-tasks.
 * Everything a later addition needs (a dashboard, extra alarms) is exposed as a public readonly property.
 */
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { API_ROUTES, WORKER_ACCESS, WORKER_ENTRY, apiHandlerEntry } from './api-routes';
import { resolveConfig, type AsyncFileTasksProps, type ResolvedConfig } from './config';
import { Network } from './network';
import { runtimeEnvironment } from './runtime-environment';
import { TaskAlarms } from './task-alarms';
import { TaskApi } from './task-api';
import { TaskCache } from './task-cache';
import { TaskDashboard } from './task-dashboard';
import { TaskFunctionFactory } from './task-function';
import { grantAccess } from './task-grants';
import { TaskQueues } from './task-queues';
import { TaskStorage } from './task-storage';

export type { AsyncFileTasksProps } from './config';

/** `create-export` -> `CreateExport`. */
function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_m, _sep: string, c: string) => c.toUpperCase());
}

export class AsyncFileTasks extends Construct {
  /** Props after defaults and validation. */
  readonly config: ResolvedConfig;
  readonly network: Network;
  readonly cache: TaskCache;
  readonly storage: TaskStorage;
  readonly bucket: Bucket;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly eventBus: IEventBus;
  readonly api: TaskApi;
  /** API functions by route name (`catalog`, `create-export`, ...). */
  readonly apiFunctions: Readonly<Record<string, NodejsFunction>>;
  readonly worker: NodejsFunction;
  readonly workerEventSource: SqsEventSource;
  readonly alarms: TaskAlarms;
  /** Throughput, errors, duration percentiles, queue depth and age, DLQ depth (docs/OPERATIONS.md). */
  readonly dashboard: TaskDashboard;

  constructor(scope: Construct, id: string, props: AsyncFileTasksProps) {
    super(scope, id);
    const config = resolveConfig(props);
    this.config = config;

    this.network = new Network(this, 'Network', { logRetention: config.logRetention, removalPolicy: config.removalPolicy });
    const { vpc, isolatedSubnets, functionSecurityGroup } = this.network;

    this.cache = new TaskCache(this, 'Cache', {
      vpc,
      subnets: isolatedSubnets,
      securityGroup: this.network.cacheSecurityGroup,
      maxDataStorageGb: config.cacheMaxDataStorageGb,
      ...(config.cacheMaxEcpuPerSecond === undefined ? {} : { maxEcpuPerSecond: config.cacheMaxEcpuPerSecond }),
    });

    this.storage = new TaskStorage(this, 'Storage', {
      corsOrigins: config.corsOrigins,
      exportRetentionDays: config.exportRetentionDays,
      uploadRetentionDays: config.uploadRetentionDays,
      ...(config.importedRowsRetentionDays === undefined ? {} : { importedRowsRetentionDays: config.importedRowsRetentionDays }),
      removalPolicy: config.removalPolicy,
    });
    this.bucket = this.storage.bucket;

    const queues = new TaskQueues(this, 'Queues', {
      visibilityTimeout: config.queueVisibilityTimeout,
      retention: config.queueRetention,
      dlqRetention: config.dlqRetention,
      maxReceiveCount: config.maxReceiveCount,
    });
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;

    this.eventBus = props.eventBus ?? EventBus.fromEventBusName(this, 'DefaultEventBus', 'default');

    const functions = new TaskFunctionFactory(this, {
      vpc,
      subnets: isolatedSubnets,
      securityGroup: functionSecurityGroup,
      environment: runtimeEnvironment(config, {
        redisEndpoint: this.cache.endpoint,
        bucketName: this.bucket.bucketName,
        queueUrl: this.queue.queueUrl,
        eventBusName: this.eventBus.eventBusName,
      }),
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    const targets = { storage: this.storage, queue: this.queue, eventBus: this.eventBus };

    this.api = new TaskApi(this, 'Http', {
      jwtIssuer: config.jwtIssuer,
      jwtAudience: config.jwtAudience,
      corsOrigins: config.corsOrigins,
      throttleRateLimit: config.throttleRateLimit,
      throttleBurstLimit: config.throttleBurstLimit,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });

    const apiFunctions: Record<string, NodejsFunction> = {};
    for (const route of API_ROUTES) {
      const fn = functions.create(`${pascal(route.name)}Function`, {
        entry: apiHandlerEntry(route),
        description: `async-file-tasks API: ${route.method} ${route.path}`,
        memoryMb: config.apiMemoryMb,
        timeout: config.apiTimeout,
      });
      for (const access of route.access) grantAccess(fn, access, targets);
      this.api.addRoute(route, fn);
      apiFunctions[route.name] = fn;
    }
    this.apiFunctions = apiFunctions;

    this.worker = functions.create('WorkerFunction', {
      entry: WORKER_ENTRY,
      description: 'async-file-tasks worker: builds exports and runs imports from the task queue',
      memoryMb: config.workerMemoryMb,
      timeout: config.workerTimeout,
      ephemeralStorageMb: config.workerEphemeralStorageMb,
    });
    for (const access of WORKER_ACCESS) grantAccess(this.worker, access, targets);
    this.workerEventSource = new SqsEventSource(this.queue, {
      batchSize: config.workerBatchSize,
      reportBatchItemFailures: true,
      maxConcurrency: config.workerMaxConcurrency,
    });
    this.worker.addEventSource(this.workerEventSource);

    this.alarms = new TaskAlarms(this, 'Alarms', {
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      worker: this.worker,
      ...(props.alarmTopic ? { topic: props.alarmTopic } : {}),
      ...(config.alarmEmail ? { email: config.alarmEmail } : {}),
      messageAgeThreshold: config.messageAgeAlarmThreshold,
    });

    this.dashboard = new TaskDashboard(this, 'Dashboard', {
      serviceName: config.serviceName,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      worker: this.worker,
      apiFunctions: Object.values(this.apiFunctions),
      httpApi: this.api.api,
      alarms: [this.alarms.dlqNotEmpty, this.alarms.workerErrors, this.alarms.oldestMessageAge],
    });
  }
}
