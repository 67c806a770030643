/** Reads the core's settings from environment variables (set by the CDK construct or the local stack). */
import { DEFAULT_CONFIG, type CoreConfig } from '../core/config';

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): CoreConfig {
  return {
    taskTtlSeconds: int(env, 'TASK_TTL_SECONDS', DEFAULT_CONFIG.taskTtlSeconds),
    downloadUrlTtlSeconds: int(env, 'DOWNLOAD_URL_TTL_SECONDS', DEFAULT_CONFIG.downloadUrlTtlSeconds),
    uploadUrlTtlSeconds: int(env, 'UPLOAD_URL_TTL_SECONDS', DEFAULT_CONFIG.uploadUrlTtlSeconds),
    maxActiveTasksPerOwner: int(env, 'MAX_ACTIVE_TASKS', DEFAULT_CONFIG.maxActiveTasksPerOwner),
    retryAfterSeconds: int(env, 'RETRY_AFTER_SECONDS', DEFAULT_CONFIG.retryAfterSeconds),
    maxReceiveCount: int(env, 'MAX_RECEIVE_COUNT', DEFAULT_CONFIG.maxReceiveCount),
    importMaxBytes: int(env, 'IMPORT_MAX_BYTES', DEFAULT_CONFIG.importMaxBytes),
    maxListLimit: DEFAULT_CONFIG.maxListLimit,
  };
}

export const tombstoneTtlFromEnv = (env: NodeJS.ProcessEnv = process.env) => int(env, 'TOMBSTONE_TTL_SECONDS', 15 * 86_400);

/** How long a worker's claim lasts without a heartbeat (the heartbeat renews it about once a second). */
export const leaseMsFromEnv = (env: NodeJS.ProcessEnv = process.env) => int(env, 'WORKER_LEASE_MS', 30_000, 1000);
