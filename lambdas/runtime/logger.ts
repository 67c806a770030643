/**
 * One structured JSON logger for every handler (Powertools). Level from LOG_LEVEL / POWERTOOLS_LOG_LEVEL.
 * Lines about a task carry `taskId`, `owner` (see LOG_OWNER), `kind`, `type`, `attempt` and `traceId`.
 */
import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'async-file-tasks',
  logLevel: (process.env.LOG_LEVEL ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO') as 'INFO',
});

export type OwnerLogMode = 'plain' | 'hash' | 'omit';

/** LOG_OWNER: `hash` (default: the first 16 hex digits of sha256, enough to correlate, not to identify), `plain` or `omit`. */
export function ownerLogMode(env: NodeJS.ProcessEnv = process.env): OwnerLogMode {
  const mode = (env.LOG_OWNER ?? 'hash').toLowerCase();
  return mode === 'plain' || mode === 'omit' ? mode : 'hash';
}

export function hashOwner(owner: string): string {
  return createHash('sha256').update(owner).digest('hex').slice(0, 16);
}

/** The owner as log lines show it; undefined (the key is left out) when LOG_OWNER=omit. */
export function ownerForLog(owner: string | null | undefined, mode: OwnerLogMode = ownerLogMode()): string | undefined {
  if (!owner || mode === 'omit') return undefined;
  return mode === 'plain' ? owner : hashOwner(owner);
}

export interface TaskLogKeys {
  taskId?: string;
  owner?: string;
  kind?: string;
  type?: string;
  attempt?: number;
  traceId?: string;
}

/** The standard keys of a task's log lines, dropping the unknown ones (Powertools keeps undefined keys out). */
export function taskLogKeys(task: { id?: string; taskId?: string; owner?: string | null; kind?: string; type?: string; traceId?: string | null }, attempt?: number): TaskLogKeys {
  const keys: TaskLogKeys = {};
  const id = task.taskId ?? task.id;
  if (id) keys.taskId = id;
  const owner = ownerForLog(task.owner);
  if (owner) keys.owner = owner;
  if (task.kind) keys.kind = task.kind;
  if (task.type) keys.type = task.type;
  if (attempt !== undefined) keys.attempt = attempt;
  if (task.traceId) keys.traceId = task.traceId;
  return keys;
}
