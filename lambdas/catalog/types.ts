/** What an export or import type declares. A team adds its own type in one file and registers it. */
import type { z } from 'zod';
import type { FileStore } from '../core/ports';
import type { FileFormat } from '../core/task';

export type ColumnType = 'string' | 'integer' | 'number' | 'currency' | 'date' | 'datetime' | 'boolean';

export interface Column {
  key: string;
  header: string;
  type: ColumnType;
  /** Character width for xlsx; a sane default per type otherwise. */
  width?: number;
}

/** A cell as produced by an export type: Date for date/datetime columns. */
export type CellValue = string | number | boolean | Date | null;

export interface ExportContext {
  /** Set when the task is cancelled; long producers may stop early. */
  signal: AbortSignal;
}

export interface ExportType<P = Record<string, unknown>> {
  kind: 'export';
  name: string;
  title: string;
  formats: readonly FileFormat[];
  params: z.ZodType<P>;
  columns: readonly Column[];
  /** Suggested file name without extension. */
  defaultFileName: string;
  /** Row count when known in advance (drives progress percent). */
  count(params: P): number | null;
  rows(params: P, context: ExportContext): AsyncIterable<CellValue[]> | Iterable<CellValue[]>;
  /** Types that export trusted formulas may opt out of CSV neutralisation. Defaults to false. */
  allowFormulas?: boolean;
}

export interface ImportColumn {
  key: string;
  header: string;
  /** Other header spellings accepted (matched case- and space-insensitively). */
  aliases?: readonly string[];
  required: boolean;
}

/** Where accepted rows go. Replace with a database writer of your own. */
export interface ImportSink<R> {
  write(rows: R[]): Promise<void>;
  /** Called once all rows were written. */
  close(): Promise<void>;
  /**
   * Called when the import fails or is cancelled: discard what was written. Also called after close() when the
   * owner cancelled while the commit was under way, so undo the commit where you can. A failed import is retried
   * by SQS, so writes should be idempotent per task id (upsert, or replace the task's rows).
   */
  discard(): Promise<void>;
}

export interface ImportSinkContext {
  taskId: string;
  owner: string;
  /** The service's object store, for sinks that write files (the JSON Lines sink). A database sink ignores it. */
  files?: FileStore;
}

export interface ImportType<R = Record<string, unknown>> {
  kind: 'import';
  name: string;
  title: string;
  formats: readonly FileFormat[];
  columns: readonly ImportColumn[];
  /** Validates one row, keyed by column key, with raw cell values. */
  row: z.ZodType<R>;
  sink(context: ImportSinkContext): ImportSink<R>;
}

export type AnyExportType = ExportType<any>;
export type AnyImportType = ImportType<any>;
