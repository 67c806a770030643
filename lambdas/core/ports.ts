/** The small interfaces the core needs from the outside world. Adapters implement them. */
import type { Readable, Writable } from 'node:stream';
import type { ExportResult, FileFormat, ImportResult, TaskKind, TaskRecord, TaskView } from './task';
import type { TaskMessage } from './message';

export type RegisterOutcome =
  | { outcome: 'created'; task: TaskRecord }
  | { outcome: 'idempotent'; task: TaskRecord }
  | { outcome: 'idempotency_mismatch'; task: TaskRecord }
  | { outcome: 'conflict'; task: TaskRecord }
  | { outcome: 'cap'; retryAfterSeconds: number };

export interface RegisterInput {
  task: TaskRecord;
  idempotencyKey: string | null;
  /** Hash of the request body, so a reused Idempotency-Key with another body is refused. */
  fingerprint: string;
  maxActive: number;
}

export type ClaimOutcome =
  | { outcome: 'claimed'; task: TaskRecord; token: string }
  /** Already succeeded, cancelled or cleared: a duplicate or stale delivery. */
  | { outcome: 'skip'; phase: string }
  /** Another worker holds a live lease on it. */
  | { outcome: 'busy' };

/** What a running worker learns at each checkpoint. `lost`: another worker took the task over. */
export type CheckpointOutcome = 'running' | 'cancelled' | 'lost';

/** What the lease holder's calls need to name a task's keys (the worker has it from its claim). */
export type TaskRef = Pick<TaskRecord, 'owner' | 'id' | 'kind' | 'type'>;

export interface TaskStore {
  register(input: RegisterInput): Promise<RegisterOutcome>;
  /** Undo a registration whose message could not be enqueued, so the client can retry at once. */
  abandon(owner: string, id: string): Promise<void>;
  get(owner: string, id: string): Promise<TaskRecord | null>;
  current(owner: string, kind: TaskKind, type: string): Promise<TaskRecord | null>;
  list(owner: string, filter: { kind?: TaskKind; type?: string }, limit: number): Promise<TaskRecord[]>;
  /** awaiting_upload → queued (import start). Returns the task after the change, or null when it is not awaiting. */
  markQueued(owner: string, id: string, now: number): Promise<TaskRecord | null>;
  /** queued → awaiting_upload, when the start message could not be sent. */
  unmarkQueued(owner: string, id: string, now: number): Promise<TaskRecord | null>;
  cancel(owner: string, id: string, now: number): Promise<{ outcome: 'cancelled' | 'not_active'; task: TaskRecord } | null>;
  /** Cancels if active, removes the record, leaves a tombstone. False when there was no such task. */
  clear(owner: string, id: string, now: number): Promise<TaskRecord | null>;

  claim(message: TaskMessage, now: number): Promise<ClaimOutcome>;
  /** Progress and heartbeat in one: renews the lease and every key's TTL. */
  checkpoint(task: TaskRef, token: string, processed: number, total: number | null, now: number): Promise<CheckpointOutcome>;
  complete(task: TaskRef, token: string, result: ExportResult | ImportResult, objectKey: string | null, now: number, message?: string): Promise<'succeeded' | 'cancelled' | 'lost'>;
  /** retry: back to queued for SQS to redeliver; otherwise failed. */
  fail(task: TaskRef, token: string, message: string, retry: boolean, now: number): Promise<void>;
}

export interface TaskQueue {
  send(message: TaskMessage): Promise<void>;
}

export interface UploadSink {
  /** Write the file here; respects backpressure (write() returning false means wait for 'drain'). */
  readonly stream: Writable;
  /** Resolves once the object is complete and visible. */
  done(): Promise<{ bytes: number }>;
  /** Aborts the multipart upload: nothing becomes visible. */
  abort(): Promise<void>;
}

export interface PresignedUpload {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

export interface FileStore {
  presignDownload(key: string, fileName: string, format: FileFormat | 'jsonl'): Promise<string>;
  presignUpload(key: string, size: number): Promise<PresignedUpload>;
  /** etag: pass it to the reads below so they all see this version of the object. */
  head(key: string): Promise<{ size: number; etag?: string } | null>;
  openUpload(key: string, format: FileFormat | 'jsonl'): UploadSink;
  /** ifMatch: fail with ObjectChangedError if the object is no longer that version. */
  openRead(key: string, ifMatch?: string): Promise<Readable>;
  /** Reads the first bytes (format detection without downloading everything). */
  readHead(key: string, bytes: number, ifMatch?: string): Promise<Buffer>;
  /** Reads bytes [start, end) of an object (an xlsx's zip central directory lives at its end). */
  readRange(key: string, start: number, end: number, ifMatch?: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
}

export interface Clock {
  now(): number;
}

export interface IdGenerator {
  taskId(): string;
  traceId(): string;
}

/** Completion events for the teams that integrate the service (EventBridge in AWS, a log line locally). */
export type TaskEventType = 'Task Succeeded' | 'Task Failed' | 'Task Cancelled';

/** The task view minus its URLs (they are short-lived and owner-only), plus the owner it belongs to. */
export type TaskEventDetail = Omit<TaskView, 'url' | 'result'> & {
  owner: string;
  result:
    | { rows: number; bytes: number; sheets: number }
    | { total: number; imported: number; rejected: number; dryRun: boolean }
    | null;
};

export interface TaskEvents {
  /** Best effort: a failure to publish must never fail the task (callers ignore rejections; adapters log them). */
  publish(detailType: TaskEventType, detail: TaskEventDetail): Promise<void>;
}

/** Metric names and their units: the operators' contract (docs/OPERATIONS.md, the dashboard in lib/). */
export const METRIC_UNITS = {
  TasksRegistered: 'Count',
  TasksSucceeded: 'Count',
  TasksFailed: 'Count',
  TasksCancelled: 'Count',
  /** A transient failure that SQS will deliver again (not a final failure). */
  TaskRetries: 'Count',
  /** A failure on the last receive: the message goes to the dead-letter queue. */
  DlqArrivals: 'Count',
  RowsProduced: 'Count',
  BytesProduced: 'Bytes',
  RowsImported: 'Count',
  RowsRejected: 'Count',
  /** Claim to finish, in the worker. */
  TaskDuration: 'Milliseconds',
  /** Enqueue to the first claim. */
  QueueWait: 'Milliseconds',
} as const;

export type MetricName = keyof typeof METRIC_UNITS;

export interface MetricDimensions {
  kind: TaskKind;
  type: string;
}

export interface TaskMetrics {
  /** Records a value; nothing leaves the process until flush(). */
  add(name: MetricName, value: number, dimensions: MetricDimensions): void;
  /** Publishes what this invocation recorded (handlers call it once per invocation). */
  flush(): void;
}
