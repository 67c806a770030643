/** Settings the core obeys. The composition root fills them from the environment. */
export interface CoreConfig {
  /** The record lives this long after its last change (the seed's 30 minutes). */
  taskTtlSeconds: number;
  /** Lifetime of presigned download URLs. */
  downloadUrlTtlSeconds: number;
  /** Lifetime of presigned upload URLs. */
  uploadUrlTtlSeconds: number;
  maxActiveTasksPerOwner: number;
  /** What the 429 tells the client to wait. */
  retryAfterSeconds: number;
  /** SQS maxReceiveCount: on this receive a transient failure is final until replayed. */
  maxReceiveCount: number;
  importMaxBytes: number;
  maxListLimit: number;
}

export const DEFAULT_CONFIG: CoreConfig = {
  taskTtlSeconds: 1800,
  downloadUrlTtlSeconds: 300,
  uploadUrlTtlSeconds: 900,
  maxActiveTasksPerOwner: 5,
  retryAfterSeconds: 10,
  maxReceiveCount: 5,
  importMaxBytes: 50 * 1024 * 1024,
  maxListLimit: 50,
};
