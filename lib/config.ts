/**
 * Props of the AsyncFileTasks construct, their defaults, and the invariants between them.
 * Kept free of constructs so the rules can be unit-tested and the construct simply obeys the result.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { ITopic } from 'aws-cdk-lib/aws-sns';

export interface AsyncFileTasksProps {
  /** Issuer URL of the JWTs the HTTP API accepts (e.g. `https://tenant.auth0.com/`). */
  readonly jwtIssuer: string;
  /** Accepted `aud` values; at least one. */
  readonly jwtAudience: string[];
  /** JWT claim that names the owner of a task. @default 'sub' */
  readonly ownerClaim?: string;
  /** Optional claim naming the tenant; when set the owner is `${tenant}:${owner}`. */
  readonly tenantClaim?: string;
  /** Browser origins allowed by the API's and the bucket's CORS rules (e.g. `https://app.example.com`). */
  readonly corsOrigins: string[];

  /** A task record expires this long after its last change. @default 30 minutes */
  readonly taskTtl?: Duration;
  /** Lifetime of presigned download URLs. @default 5 minutes */
  readonly downloadUrlTtl?: Duration;
  /** Lifetime of presigned upload URLs. @default 15 minutes */
  readonly uploadUrlTtl?: Duration;
  /** Active tasks one owner may have before the API answers 429. @default 5 */
  readonly maxActiveTasksPerOwner?: number;
  /** Largest import file accepted, in bytes. @default 50 MiB */
  readonly importMaxBytes?: number;

  /** Days before exports/ and reports/ objects expire. @default 1 */
  readonly exportRetentionDays?: number;
  /** Days before uploads/ objects expire (a replayed import needs its upload). @default 2 */
  readonly uploadRetentionDays?: number;
  /** Days before imports/ (the demo sink's JSON Lines) expire. @default - kept */
  readonly importedRowsRetentionDays?: number;

  /** @default 2048 */
  readonly workerMemoryMb?: number;
  /** @default 300 seconds */
  readonly workerTimeout?: Duration;
  /** /tmp size: exceljs spools zip entries there on import. @default 2048 */
  readonly workerEphemeralStorageMb?: number;
  /** Messages per worker invocation. @default 2 */
  readonly workerBatchSize?: number;
  /** Concurrent worker invocations the SQS event source may start (AWS minimum 2). @default 5 */
  readonly workerMaxConcurrency?: number;

  /** Receives before a message moves to the DLQ. @default 5 */
  readonly maxReceiveCount?: number;
  /** Work queue visibility timeout. Must be at least six times the worker timeout. @default 6 x workerTimeout */
  readonly queueVisibilityTimeout?: Duration;
  /** Work queue retention; must be shorter than the DLQ's 14 days. @default 4 days */
  readonly queueRetention?: Duration;
  /** How long a cancelled/cleared task's tombstone blocks replays; at least the DLQ retention. @default 15 days */
  readonly tombstoneTtl?: Duration;

  /** @default 512 */
  readonly apiMemoryMb?: number;
  /** API function timeout, under the HTTP API's 30 s integration limit. @default 10 seconds */
  readonly apiTimeout?: Duration;
  /** Stage steady-state requests per second. @default 50 */
  readonly throttleRateLimit?: number;
  /** Stage burst. @default 100 */
  readonly throttleBurstLimit?: number;

  /** Retention of function and access log groups. @default one month */
  readonly logRetention?: RetentionDays;
  /** LOG_LEVEL of the functions. @default 'INFO' */
  readonly logLevel?: string;
  /** POWERTOOLS_SERVICE_NAME. @default 'async-file-tasks' */
  readonly serviceName?: string;

  /** Bus that receives task completion events. @default the account's default bus */
  readonly eventBus?: IEventBus;

  /** Topic the alarms notify. @default a new topic */
  readonly alarmTopic?: ITopic;
  /** Email subscribed to the alarm topic. @default none */
  readonly alarmEmail?: string;
  /** Age of the oldest queued message that raises the alarm. @default 15 minutes */
  readonly messageAgeAlarmThreshold?: Duration;

  /** Upper bound of the cache's data storage, in GB (caps cost). @default 5 */
  readonly cacheMaxDataStorageGb?: number;
  /** Upper bound of the cache's ECPUs per second. @default - no limit */
  readonly cacheMaxEcpuPerSecond?: number;

  /** Applied to the bucket and the log groups. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** AWS's fixed maximum, used for the DLQ so replays stay possible as long as SQS allows. */
export const DLQ_RETENTION = Duration.days(14);
/** AWS recommends a visibility timeout of at least six times the function timeout for SQS event sources. */
export const VISIBILITY_TO_TIMEOUT_RATIO = 6;

export interface ResolvedConfig {
  jwtIssuer: string;
  jwtAudience: string[];
  ownerClaim: string;
  tenantClaim: string | undefined;
  corsOrigins: string[];
  taskTtl: Duration;
  downloadUrlTtl: Duration;
  uploadUrlTtl: Duration;
  maxActiveTasksPerOwner: number;
  importMaxBytes: number;
  exportRetentionDays: number;
  uploadRetentionDays: number;
  importedRowsRetentionDays: number | undefined;
  workerMemoryMb: number;
  workerTimeout: Duration;
  workerEphemeralStorageMb: number;
  workerBatchSize: number;
  workerMaxConcurrency: number;
  maxReceiveCount: number;
  queueVisibilityTimeout: Duration;
  queueRetention: Duration;
  dlqRetention: Duration;
  tombstoneTtl: Duration;
  apiMemoryMb: number;
  apiTimeout: Duration;
  throttleRateLimit: number;
  throttleBurstLimit: number;
  logRetention: RetentionDays;
  logLevel: string;
  serviceName: string;
  alarmEmail: string | undefined;
  messageAgeAlarmThreshold: Duration;
  cacheMaxDataStorageGb: number;
  cacheMaxEcpuPerSecond: number | undefined;
  removalPolicy: RemovalPolicy;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`AsyncFileTasks: ${message}`);
}

function intIn(name: string, value: number, min: number, max: number): number {
  check(Number.isInteger(value) && value >= min && value <= max, `${name} must be an integer in [${min}, ${max}], got ${value}`);
  return value;
}

/** Applies defaults and enforces the invariants; throws on a prop that would break one. */
export function resolveConfig(props: AsyncFileTasksProps): ResolvedConfig {
  check(/^https:\/\/\S+$/.test(props.jwtIssuer), `jwtIssuer must be an https URL, got "${props.jwtIssuer}"`);
  check(props.jwtAudience.length > 0 && props.jwtAudience.every((a) => a.trim() !== ''), 'jwtAudience needs at least one non-empty value');
  const ownerClaim = props.ownerClaim ?? 'sub';
  check(ownerClaim.trim() !== '', 'ownerClaim must not be empty');
  check(props.corsOrigins.length > 0, 'corsOrigins needs at least one origin');
  for (const origin of props.corsOrigins) {
    // An origin is scheme://host[:port], never a path: a trailing slash silently never matches.
    check(origin === '*' || /^https?:\/\/[^/\s]+$/.test(origin), `corsOrigins entry "${origin}" is not an origin (scheme://host[:port])`);
  }

  const taskTtl = props.taskTtl ?? Duration.minutes(30);
  const downloadUrlTtl = props.downloadUrlTtl ?? Duration.minutes(5);
  const uploadUrlTtl = props.uploadUrlTtl ?? Duration.minutes(15);
  check(taskTtl.toSeconds() >= 60, 'taskTtl must be at least one minute');
  // SigV4 presigned URLs are valid for at most seven days.
  for (const [name, ttl] of [['downloadUrlTtl', downloadUrlTtl], ['uploadUrlTtl', uploadUrlTtl]] as const) {
    check(ttl.toSeconds() >= 1 && ttl.toSeconds() <= 7 * 24 * 3600, `${name} must be between 1 second and 7 days`);
  }

  const exportRetentionDays = intIn('exportRetentionDays', props.exportRetentionDays ?? 1, 1, 3650);
  // A file must outlive the task record that hands out its URL.
  check(exportRetentionDays * 86_400 >= taskTtl.toSeconds(), `exportRetentionDays (${exportRetentionDays}) must cover taskTtl (${taskTtl.toSeconds()} s)`);
  const uploadRetentionDays = intIn('uploadRetentionDays', props.uploadRetentionDays ?? 2, 1, 3650);
  const importedRowsRetentionDays =
    props.importedRowsRetentionDays === undefined ? undefined : intIn('importedRowsRetentionDays', props.importedRowsRetentionDays, 1, 36500);

  const workerTimeout = props.workerTimeout ?? Duration.seconds(300);
  check(workerTimeout.toSeconds() >= 10 && workerTimeout.toSeconds() <= 900, 'workerTimeout must be between 10 seconds and 15 minutes');
  const minVisibility = workerTimeout.toSeconds() * VISIBILITY_TO_TIMEOUT_RATIO;
  const queueVisibilityTimeout = props.queueVisibilityTimeout ?? Duration.seconds(minVisibility);
  check(
    queueVisibilityTimeout.toSeconds() >= minVisibility,
    `queueVisibilityTimeout (${queueVisibilityTimeout.toSeconds()} s) must be at least ${VISIBILITY_TO_TIMEOUT_RATIO} x workerTimeout (${minVisibility} s)`,
  );
  check(queueVisibilityTimeout.toSeconds() <= 12 * 3600, 'queueVisibilityTimeout must be at most 12 hours (SQS limit)');

  const queueRetention = props.queueRetention ?? Duration.days(4);
  check(queueRetention.toSeconds() >= 60, 'queueRetention must be at least one minute');
  // SQS keeps a message's original enqueue time when it moves to the DLQ, so the DLQ must keep messages longer.
  check(
    queueRetention.toSeconds() < DLQ_RETENTION.toSeconds(),
    `queueRetention (${queueRetention.toSeconds()} s) must be shorter than the DLQ retention (${DLQ_RETENTION.toSeconds()} s)`,
  );
  const tombstoneTtl = props.tombstoneTtl ?? Duration.days(15);
  check(
    tombstoneTtl.toSeconds() >= DLQ_RETENTION.toSeconds(),
    `tombstoneTtl (${tombstoneTtl.toSeconds()} s) must be at least the DLQ retention (${DLQ_RETENTION.toSeconds()} s) so replays of cancelled tasks stay blocked`,
  );

  const apiTimeout = props.apiTimeout ?? Duration.seconds(10);
  check(apiTimeout.toSeconds() >= 1 && apiTimeout.toSeconds() <= 29, 'apiTimeout must be between 1 and 29 seconds (HTTP API integrations time out at 30 s)');

  const throttleRateLimit = props.throttleRateLimit ?? 50;
  const throttleBurstLimit = intIn('throttleBurstLimit', props.throttleBurstLimit ?? 100, 1, 5000);
  check(throttleRateLimit > 0, 'throttleRateLimit must be positive');

  const alarmEmail = props.alarmEmail?.trim() || undefined;
  if (alarmEmail) check(/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail), `alarmEmail "${alarmEmail}" is not an email address`);
  const messageAgeAlarmThreshold = props.messageAgeAlarmThreshold ?? Duration.minutes(15);
  check(messageAgeAlarmThreshold.toSeconds() >= 60, 'messageAgeAlarmThreshold must be at least one minute');

  return {
    jwtIssuer: props.jwtIssuer,
    jwtAudience: props.jwtAudience.map((a) => a.trim()),
    ownerClaim,
    tenantClaim: props.tenantClaim?.trim() || undefined,
    corsOrigins: props.corsOrigins,
    taskTtl,
    downloadUrlTtl,
    uploadUrlTtl,
    maxActiveTasksPerOwner: intIn('maxActiveTasksPerOwner', props.maxActiveTasksPerOwner ?? 5, 1, 1000),
    importMaxBytes: intIn('importMaxBytes', props.importMaxBytes ?? 50 * 1024 * 1024, 1, 5 * 1024 ** 3),
    exportRetentionDays,
    uploadRetentionDays,
    importedRowsRetentionDays,
    workerMemoryMb: intIn('workerMemoryMb', props.workerMemoryMb ?? 2048, 128, 10_240),
    workerTimeout,
    workerEphemeralStorageMb: intIn('workerEphemeralStorageMb', props.workerEphemeralStorageMb ?? 2048, 512, 10_240),
    // Small batches: one slow file must not hold many others past their visibility timeout.
    workerBatchSize: intIn('workerBatchSize', props.workerBatchSize ?? 2, 1, 10),
    workerMaxConcurrency: intIn('workerMaxConcurrency', props.workerMaxConcurrency ?? 5, 2, 1000),
    maxReceiveCount: intIn('maxReceiveCount', props.maxReceiveCount ?? 5, 1, 1000),
    queueVisibilityTimeout,
    queueRetention,
    dlqRetention: DLQ_RETENTION,
    tombstoneTtl,
    apiMemoryMb: intIn('apiMemoryMb', props.apiMemoryMb ?? 512, 128, 10_240),
    apiTimeout,
    throttleRateLimit,
    throttleBurstLimit,
    logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    logLevel: props.logLevel ?? 'INFO',
    serviceName: props.serviceName ?? 'async-file-tasks',
    alarmEmail,
    messageAgeAlarmThreshold,
    cacheMaxDataStorageGb: intIn('cacheMaxDataStorageGb', props.cacheMaxDataStorageGb ?? 5, 1, 5000),
    cacheMaxEcpuPerSecond:
      props.cacheMaxEcpuPerSecond === undefined ? undefined : intIn('cacheMaxEcpuPerSecond', props.cacheMaxEcpuPerSecond, 1000, 15_000_000),
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
  };
}
