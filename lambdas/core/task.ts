/** The task record and its public view. Pure data: no AWS, no HTTP. */

export type TaskKind = 'export' | 'import';
export type FileFormat = 'xlsx' | 'csv';
export type Phase = 'awaiting_upload' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const ACTIVE_PHASES: readonly Phase[] = ['awaiting_upload', 'queued', 'running'];
export const FINAL_PHASES: readonly Phase[] = ['succeeded', 'failed', 'cancelled'];

export const isActive = (phase: Phase): boolean => ACTIVE_PHASES.includes(phase);

export interface ExportResult {
  rows: number;
  bytes: number;
  sheets: number;
}

export interface ImportResult {
  total: number;
  imported: number;
  rejected: number;
  dryRun: boolean;
  /** S3 key of the error report, when there is one (never shown: the view presigns it). */
  errorReportKey?: string | null;
  /** How the error report is offered: an annotated copy of an xlsx upload, or a csv list. */
  errorReportFormat?: FileFormat | null;
}

export interface UploadRef {
  key: string;
  size: number;
}

/** The stored task. Everything the worker needs is also in the queue message. */
export interface TaskRecord {
  id: string;
  owner: string;
  kind: TaskKind;
  type: string;
  format: FileFormat;
  fileName: string;
  params: Record<string, unknown>;
  phase: Phase;
  message: string | null;
  processed: number;
  total: number | null;
  result: ExportResult | ImportResult | null;
  attempts: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
  traceId: string;
  /** Object key of the produced file; derived from owner and id, never from user input. */
  objectKey: string | null;
  upload: UploadRef | null;
  dryRun: boolean;
}

export interface TaskView {
  id: string;
  kind: TaskKind;
  type: string;
  format: FileFormat;
  fileName: string;
  phase: Phase;
  status: 0 | 1 | 2;
  state: boolean;
  message: string | null;
  url: string | null;
  progress: { processed: number; total: number | null; percent: number | null };
  result:
    | { rows: number; bytes: number; sheets: number }
    | { total: number; imported: number; rejected: number; errorReportUrl: string | null; dryRun: boolean }
    | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string;
  traceId: string;
}

/** The seed's TaskResultOut.status: 0 not started, 1 processing, 2 completed (whatever the outcome). */
export function statusOf(phase: Phase): 0 | 1 | 2 {
  if (phase === 'running') return 1;
  if (phase === 'awaiting_upload' || phase === 'queued') return 0;
  return 2;
}

export function percentOf(processed: number, total: number | null): number | null {
  if (total === null || total <= 0) return null;
  return Math.min(100, Math.floor((processed / total) * 100));
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export interface ViewUrls {
  url: string | null;
  errorReportUrl: string | null;
}

export function toView(task: TaskRecord, urls: ViewUrls, ttlSeconds: number): TaskView {
  let result: TaskView['result'] = null;
  if (task.result && task.kind === 'export') {
    const r = task.result as ExportResult;
    result = { rows: r.rows, bytes: r.bytes, sheets: r.sheets };
  } else if (task.result && task.kind === 'import') {
    const r = task.result as ImportResult;
    result = {
      total: r.total,
      imported: r.imported,
      rejected: r.rejected,
      errorReportUrl: urls.errorReportUrl,
      dryRun: r.dryRun,
    };
  }
  return {
    id: task.id,
    kind: task.kind,
    type: task.type,
    format: task.format,
    fileName: task.fileName,
    phase: task.phase,
    status: statusOf(task.phase),
    state: task.phase === 'succeeded',
    message: task.message,
    url: urls.url,
    progress: { processed: task.processed, total: task.total, percent: percentOf(task.processed, task.total) },
    result,
    attempts: task.attempts,
    createdAt: iso(task.createdAt)!,
    startedAt: iso(task.startedAt),
    finishedAt: iso(task.finishedAt),
    // The record lives TASK_TTL after its last change (a running worker keeps renewing it).
    expiresAt: iso(task.updatedAt + ttlSeconds * 1000)!,
    traceId: task.traceId,
  };
}
