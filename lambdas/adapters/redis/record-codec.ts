/** TaskRecord <-> Redis hash. Scripts read and write single fields, so the hash stays flat and stringly. */
import type { FileFormat, Phase, TaskKind, TaskRecord } from '../../core/task';

const orNull = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);
const numOrNull = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v));

export function encodeRecord(task: TaskRecord, extra: Record<string, string> = {}): string[] {
  const fields: Record<string, string> = {
    id: task.id,
    owner: task.owner,
    kind: task.kind,
    type: task.type,
    format: task.format,
    fileName: task.fileName,
    params: JSON.stringify(task.params),
    phase: task.phase,
    message: task.message ?? '',
    processed: String(task.processed),
    total: task.total === null ? '' : String(task.total),
    result: task.result ? JSON.stringify(task.result) : '',
    attempts: String(task.attempts),
    createdAt: String(task.createdAt),
    startedAt: task.startedAt === null ? '' : String(task.startedAt),
    finishedAt: task.finishedAt === null ? '' : String(task.finishedAt),
    updatedAt: String(task.updatedAt),
    traceId: task.traceId,
    objectKey: task.objectKey ?? '',
    upload: task.upload ? JSON.stringify(task.upload) : '',
    dryRun: task.dryRun ? '1' : '0',
    ...extra,
  };
  return Object.entries(fields).flat();
}

export function decodeRecord(hash: Record<string, string>): TaskRecord | null {
  if (!hash.id) return null;
  return {
    id: hash.id,
    owner: hash.owner ?? '',
    kind: hash.kind as TaskKind,
    type: hash.type ?? '',
    format: hash.format as FileFormat,
    fileName: hash.fileName ?? '',
    params: hash.params ? JSON.parse(hash.params) : {},
    phase: hash.phase as Phase,
    message: orNull(hash.message),
    processed: Number(hash.processed ?? 0),
    total: numOrNull(hash.total),
    result: hash.result ? JSON.parse(hash.result) : null,
    attempts: Number(hash.attempts ?? 0),
    createdAt: Number(hash.createdAt),
    startedAt: numOrNull(hash.startedAt),
    finishedAt: numOrNull(hash.finishedAt),
    updatedAt: Number(hash.updatedAt),
    traceId: hash.traceId ?? '',
    objectKey: orNull(hash.objectKey),
    upload: hash.upload ? JSON.parse(hash.upload) : null,
    dryRun: hash.dryRun === '1',
  };
}
