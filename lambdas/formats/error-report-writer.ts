/**
 * The import's error report, written while rows are validated and opened only at the first rejected row:
 * - csv uploads: a CSV list with one line per problem: Row, Column, Value, Error;
 * - xlsx uploads: an annotated copy: the file's own header and, for each rejected row, all its original cells
 *   plus an "Errors" column, so the user fixes the cells and uploads the file as it is (the "Errors" column is
 *   not a column of the import type, so it is ignored on the way back in).
 * Both go through the export writers (createTableWriter), with CSV formula neutralisation on.
 */
import type { CellValue, Column } from '../catalog/types';
import { FailureSignal } from '../core/failure-signal';
import type { FileStore, UploadSink } from '../core/ports';
import type { FileFormat } from '../core/task';
import { createTableWriter, type TableWriter } from './index';
import { formatIsoDate, formatIsoDateTime } from './cell-format';
import type { RawCell, SourceRow } from './import-limits';

export interface RowProblem {
  /** The header of the column at fault as written in the file; '' for a problem with the whole row. */
  column: string;
  value: RawCell;
  message: string;
}

export interface ErrorReport {
  add(row: SourceRow, problems: RowProblem[]): Promise<void>;
  /** Completes the report; null when nothing was rejected (no report). */
  finish(): Promise<string | null>;
  /** Aborts the upload (or removes a finished report): nothing stays visible. */
  abort(): Promise<void>;
}

export const ERRORS_HEADER = 'Errors';

/** Cells as the report shows them: a date at UTC midnight as YYYY-MM-DD (what the import accepts back), else ISO. */
export function reportValue(value: RawCell | undefined): CellValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.getTime() % 86_400_000 === 0 ? formatIsoDate(value) : formatIsoDateTime(value);
  return value;
}

const text = (value: RawCell | undefined): string => {
  const v = reportValue(value);
  return v === null ? '' : String(v);
};

export function describeProblems(row: SourceRow, problems: RowProblem[]): string {
  return `Row ${row.number}: ${problems.map((p) => (p.column ? `${p.column}: ${p.message}` : p.message)).join('; ')}`;
}

export interface ErrorReportOptions {
  files: FileStore;
  key: string;
  /** The upload's detected format: csv → list of problems, xlsx → annotated copy. */
  format: FileFormat;
  /** The file's header cells (for the annotated copy). */
  headers: readonly string[];
}

export function createErrorReport(options: ErrorReportOptions): ErrorReport {
  const { files, key, format } = options;
  const columns: Column[] =
    format === 'csv'
      ? [
          { key: 'row', header: 'Row', type: 'integer', width: 8 },
          { key: 'column', header: 'Column', type: 'string', width: 20 },
          { key: 'value', header: 'Value', type: 'string', width: 30 },
          { key: 'error', header: 'Error', type: 'string', width: 60 },
        ]
      : [
          ...options.headers.map((header, i): Column => ({ key: `c${i}`, header, type: 'string' })),
          { key: 'errors', header: ERRORS_HEADER, type: 'string', width: 60 },
        ];
  const width = options.headers.length;
  let upload: UploadSink | null = null;
  let writer: TableWriter | null = null;
  let uploadFailed: FailureSignal | null = null;
  let finished = false;

  const open = (): TableWriter => {
    upload = files.openUpload(key, format);
    uploadFailed = FailureSignal.of(upload.done());
    writer = createTableWriter(format, upload.stream, columns, { neutraliseFormulas: true, sheetName: 'Rejected rows' });
    return writer;
  };

  const write = async (row: CellValue[]): Promise<void> => {
    const w = writer ?? open();
    if (!w.write(row)) await uploadFailed!.guard(w.drained());
  };

  return {
    async add(row, problems) {
      if (format === 'csv') {
        for (const p of problems) await write([row.number, p.column, text(p.value), p.message]);
      } else {
        const cells: CellValue[] = [];
        for (let i = 0; i < width; i++) cells.push(reportValue(row.cells[i]));
        cells.push(describeProblems(row, problems));
        await write(cells);
      }
    },
    async finish() {
      if (!writer || !upload) return null;
      await uploadFailed!.guard(writer.finish());
      await (upload as UploadSink).done();
      finished = true;
      return key;
    },
    async abort() {
      if (!upload) return;
      if (finished) await files.delete(key).catch(() => undefined);
      else await (upload as UploadSink).abort();
    },
  };
}
