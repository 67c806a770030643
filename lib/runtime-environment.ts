/**
 * The environment every function receives: the contract between this stack and the runtime's composition root
 * (lambdas/). Names here must match what the runtime reads.
 */
import type { ResolvedConfig } from './config';
import { METRICS_NAMESPACE } from './task-dashboard';

export interface RuntimeResources {
  /** `host:port` of the cache's primary endpoint. */
  readonly redisEndpoint: string;
  readonly bucketName: string;
  readonly queueUrl: string;
  readonly eventBusName: string;
}

export function runtimeEnvironment(config: ResolvedConfig, resources: RuntimeResources): Record<string, string> {
  const env: Record<string, string> = {
    REDIS_ENDPOINT: resources.redisEndpoint,
    // ElastiCache Serverless always requires TLS and is always cluster-mode.
    REDIS_TLS: 'true',
    REDIS_CLUSTER: 'true',
    BUCKET_NAME: resources.bucketName,
    QUEUE_URL: resources.queueUrl,
    EVENT_BUS_NAME: resources.eventBusName,
    TASK_TTL_SECONDS: String(config.taskTtl.toSeconds()),
    DOWNLOAD_URL_TTL_SECONDS: String(config.downloadUrlTtl.toSeconds()),
    UPLOAD_URL_TTL_SECONDS: String(config.uploadUrlTtl.toSeconds()),
    MAX_ACTIVE_TASKS: String(config.maxActiveTasksPerOwner),
    IMPORT_MAX_BYTES: String(config.importMaxBytes),
    // The worker marks a task failed on this receive; it must equal the redrive policy's maxReceiveCount.
    MAX_RECEIVE_COUNT: String(config.maxReceiveCount),
    TOMBSTONE_TTL_SECONDS: String(config.tombstoneTtl.toSeconds()),
    OWNER_CLAIM: config.ownerClaim,
    LOG_LEVEL: config.logLevel,
    POWERTOOLS_SERVICE_NAME: config.serviceName,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  };
  if (config.tenantClaim) env.TENANT_CLAIM = config.tenantClaim;
  return env;
}
