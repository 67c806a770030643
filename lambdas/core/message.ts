/** The queue message: self-contained so a replay after the Redis record expired can still run. */
import type { FileFormat, TaskKind, TaskRecord } from './task';

export interface TaskMessage {
  v: 1;
  taskId: string;
  owner: string;
  kind: TaskKind;
  type: string;
  format: FileFormat;
  params: Record<string, unknown>;
  fileName: string;
  upload?: { key: string; size: number };
  dryRun?: boolean;
  traceId: string;
  requestedAt: string;
}

export function messageFor(task: TaskRecord): TaskMessage {
  const message: TaskMessage = {
    v: 1,
    taskId: task.id,
    owner: task.owner,
    kind: task.kind,
    type: task.type,
    format: task.format,
    params: task.params,
    fileName: task.fileName,
    traceId: task.traceId,
    requestedAt: new Date(task.createdAt).toISOString(),
  };
  if (task.upload) message.upload = task.upload;
  if (task.kind === 'import') message.dryRun = task.dryRun;
  return message;
}

/** Parses an untrusted message body. Throws with a readable reason: such a message is poison, not retryable. */
export function parseMessage(body: string): TaskMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new Error('Queue message is not JSON');
  }
  const m = raw as Partial<TaskMessage> | null;
  if (!m || typeof m !== 'object') throw new Error('Queue message is not an object');
  if (m.v !== 1) throw new Error(`Unsupported queue message version: ${String(m.v)}`);
  for (const field of ['taskId', 'owner', 'type', 'fileName', 'traceId', 'requestedAt'] as const) {
    if (typeof m[field] !== 'string' || m[field] === '') throw new Error(`Queue message lacks ${field}`);
  }
  if (m.kind !== 'export' && m.kind !== 'import') throw new Error('Queue message has an unknown kind');
  if (m.format !== 'xlsx' && m.format !== 'csv') throw new Error('Queue message has an unknown format');
  if (m.params !== undefined && (typeof m.params !== 'object' || m.params === null)) {
    throw new Error('Queue message params must be an object');
  }
  if (m.kind === 'import' && (!m.upload || typeof m.upload.key !== 'string' || typeof m.upload.size !== 'number')) {
    throw new Error('Import message lacks its upload');
  }
  return { ...(m as TaskMessage), params: m.params ?? {} };
}
