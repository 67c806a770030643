/**
 * Reads the stack's settings from CDK context (`-c key=value` on the command line, or cdk.json), so the
 * platform team configures a deployment without touching code. Values from the command line arrive as strings.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import type { AsyncFileTasksStackProps } from './async-file-tasks-stack';

/** Used when jwtIssuer is not given: `.invalid` can never issue a token, so such a deployment fails closed. */
export const PLACEHOLDER_JWT_ISSUER = 'https://issuer.invalid/';
export const DEFAULT_JWT_AUDIENCE = 'async-file-tasks';
/** The local demo page's origin. */
export const DEFAULT_CORS_ORIGIN = 'http://localhost:3000';
export const DEFAULT_STACK_NAME = 'AsyncFileTasks';

/** Every context key the app reads (documented in docs/DEPLOY.md). */
export const CONTEXT_KEYS = [
  'stackName',
  'jwtIssuer',
  'jwtAudience',
  'ownerClaim',
  'tenantClaim',
  'corsOrigins',
  'taskTtlSeconds',
  'downloadUrlTtlSeconds',
  'uploadUrlTtlSeconds',
  'maxActiveTasks',
  'importMaxBytes',
  'exportRetentionDays',
  'uploadRetentionDays',
  'importedRowsRetentionDays',
  'workerMemoryMb',
  'workerTimeoutSeconds',
  'workerEphemeralStorageMb',
  'workerBatchSize',
  'workerMaxConcurrency',
  'maxReceiveCount',
  'tombstoneTtlSeconds',
  'throttleRateLimit',
  'throttleBurstLimit',
  'logRetentionDays',
  'logLevel',
  'eventBusName',
  'alarmEmail',
  'alarmTopicArn',
  'messageAgeAlarmSeconds',
  'cacheMaxDataStorageGb',
  'cacheMaxEcpuPerSecond',
  'removalPolicy',
] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

export interface ContextSettings {
  readonly stackName: string;
  readonly stackProps: AsyncFileTasksStackProps;
  /** Defaults that are fine for synth but not for a real deployment. */
  readonly warnings: string[];
}

type Lookup = (key: ContextKey) => unknown;

function text(lookup: Lookup, key: ContextKey): string | undefined {
  const value = lookup(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new Error(`Context "${key}" must be a string, got ${JSON.stringify(value)}`);
  }
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

function list(lookup: Lookup, key: ContextKey): string[] | undefined {
  const value = lookup(key);
  // cdk.json may hold a JSON array; the command line gives "a,b".
  const items = Array.isArray(value) ? value.map(String) : text(lookup, key)?.split(',');
  const cleaned = items?.map((s) => s.trim()).filter((s) => s !== '');
  return cleaned && cleaned.length > 0 ? cleaned : undefined;
}

function num(lookup: Lookup, key: ContextKey): number | undefined {
  const s = text(lookup, key);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n)) throw new Error(`Context "${key}" must be a number, got "${s}"`);
  return n;
}

function seconds(lookup: Lookup, key: ContextKey): Duration | undefined {
  const n = num(lookup, key);
  return n === undefined ? undefined : Duration.seconds(n);
}

function retention(lookup: Lookup): RetentionDays | undefined {
  const days = num(lookup, 'logRetentionDays');
  if (days === undefined) return undefined;
  const allowed = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(days)) throw new Error(`Context "logRetentionDays" must be one of ${allowed.join(', ')}, got ${days}`);
  return days as RetentionDays;
}

function removal(lookup: Lookup): RemovalPolicy | undefined {
  const s = text(lookup, 'removalPolicy')?.toLowerCase();
  if (s === undefined) return undefined;
  if (s === 'retain') return RemovalPolicy.RETAIN;
  if (s === 'destroy') return RemovalPolicy.DESTROY;
  throw new Error(`Context "removalPolicy" must be "retain" or "destroy", got "${s}"`);
}

/** Props from context; construct-level validation (resolveConfig) still applies to the result. */
export function settingsFromContext(node: Pick<Node, 'tryGetContext'>): ContextSettings {
  const lookup: Lookup = (key) => node.tryGetContext(key);
  const warnings: string[] = [];
  const opt = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
    (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

  const jwtIssuer = text(lookup, 'jwtIssuer');
  if (!jwtIssuer) {
    warnings.push(
      `Context "jwtIssuer" is not set: the API uses the placeholder issuer ${PLACEHOLDER_JWT_ISSUER} and rejects every request. Deploy with -c jwtIssuer=https://your-idp/ -c jwtAudience=your-api.`,
    );
  }
  const jwtAudience = list(lookup, 'jwtAudience');
  if (!jwtAudience) warnings.push(`Context "jwtAudience" is not set: accepting audience "${DEFAULT_JWT_AUDIENCE}".`);
  const corsOrigins = list(lookup, 'corsOrigins');
  if (!corsOrigins) warnings.push(`Context "corsOrigins" is not set: only ${DEFAULT_CORS_ORIGIN} (the local demo) may call the API from a browser.`);

  const stackName = text(lookup, 'stackName') ?? DEFAULT_STACK_NAME;
  const stackProps: AsyncFileTasksStackProps = {
    description: 'async-file-tasks: asynchronous file export and import (HTTP API, SQS worker, Valkey, S3)',
    tasks: {
      jwtIssuer: jwtIssuer ?? PLACEHOLDER_JWT_ISSUER,
      jwtAudience: jwtAudience ?? [DEFAULT_JWT_AUDIENCE],
      corsOrigins: corsOrigins ?? [DEFAULT_CORS_ORIGIN],
      ...opt('ownerClaim', text(lookup, 'ownerClaim')),
      ...opt('tenantClaim', text(lookup, 'tenantClaim')),
      ...opt('taskTtl', seconds(lookup, 'taskTtlSeconds')),
      ...opt('downloadUrlTtl', seconds(lookup, 'downloadUrlTtlSeconds')),
      ...opt('uploadUrlTtl', seconds(lookup, 'uploadUrlTtlSeconds')),
      ...opt('maxActiveTasksPerOwner', num(lookup, 'maxActiveTasks')),
      ...opt('importMaxBytes', num(lookup, 'importMaxBytes')),
      ...opt('exportRetentionDays', num(lookup, 'exportRetentionDays')),
      ...opt('uploadRetentionDays', num(lookup, 'uploadRetentionDays')),
      ...opt('importedRowsRetentionDays', num(lookup, 'importedRowsRetentionDays')),
      ...opt('workerMemoryMb', num(lookup, 'workerMemoryMb')),
      ...opt('workerTimeout', seconds(lookup, 'workerTimeoutSeconds')),
      ...opt('workerEphemeralStorageMb', num(lookup, 'workerEphemeralStorageMb')),
      ...opt('workerBatchSize', num(lookup, 'workerBatchSize')),
      ...opt('workerMaxConcurrency', num(lookup, 'workerMaxConcurrency')),
      ...opt('maxReceiveCount', num(lookup, 'maxReceiveCount')),
      ...opt('tombstoneTtl', seconds(lookup, 'tombstoneTtlSeconds')),
      ...opt('throttleRateLimit', num(lookup, 'throttleRateLimit')),
      ...opt('throttleBurstLimit', num(lookup, 'throttleBurstLimit')),
      ...opt('logRetention', retention(lookup)),
      ...opt('logLevel', text(lookup, 'logLevel')),
      ...opt('alarmEmail', text(lookup, 'alarmEmail')),
      ...opt('messageAgeAlarmThreshold', seconds(lookup, 'messageAgeAlarmSeconds')),
      ...opt('cacheMaxDataStorageGb', num(lookup, 'cacheMaxDataStorageGb')),
      ...opt('cacheMaxEcpuPerSecond', num(lookup, 'cacheMaxEcpuPerSecond')),
      ...opt('removalPolicy', removal(lookup)),
    },
    ...opt('eventBusName', text(lookup, 'eventBusName')),
    ...opt('alarmTopicArn', text(lookup, 'alarmTopicArn')),
  };
  return { stackName, stackProps, warnings };
}
