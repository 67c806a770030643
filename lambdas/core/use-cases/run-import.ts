/**
 * The worker's import: detect the format by content → (xlsx: inspect the zip's central directory first) →
 * stream rows → match the header → validate each row → accepted rows to the type's sink in batches, rejected
 * ones to the error report → complete. Memory stays flat: rows are never collected, only a batch at a time.
 */
import type { Readable } from 'node:stream';
import { findImportType } from '../../catalog/registry';
import type { ImportSink } from '../../catalog/types';
import { HEAD_BYTES, detectDelimiter, detectFormat } from '../../formats/detect-format';
import { createErrorReport, type RowProblem } from '../../formats/error-report-writer';
import { matchHeaders, type HeaderMatch } from '../../formats/header-matcher';
import { IMPORT_LIMITS, formatCount, type ImportLimits, type RawCell, type SourceRow } from '../../formats/import-limits';
import { readCsvRows } from '../../formats/csv-reader';
import { readXlsxRows } from '../../formats/xlsx-reader';
import { inspectZip } from '../../formats/zip-inspector';
import type { Deps } from '../deps';
import { PermanentTaskError } from '../errors';
import { reportKey } from '../object-keys';
import type { ImportResult, TaskRecord } from '../task';
import type { TaskProgress } from './task-progress';

export const SINK_BATCH_ROWS = 500;
const YIELD_EVERY_ROWS = 2000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Strings trimmed, empty cells → undefined: what the type's zod schema sees. */
const schemaValue = (cell: RawCell | undefined): unknown => {
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell === 'string') {
    const trimmed = cell.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  return cell;
};

const isBlank = (cells: readonly RawCell[]) => cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));

/** Length of the row without trailing empty cells. */
function usedWidth(cells: readonly RawCell[]): number {
  let n = cells.length;
  while (n > 0 && (cells[n - 1] === null || cells[n - 1] === '')) n--;
  return n;
}

function checkCells(row: SourceRow, limits: ImportLimits): void {
  if (usedWidth(row.cells) > limits.maxColumns) {
    throw new PermanentTaskError(`Row ${formatCount(row.number)} has more than ${limits.maxColumns} cells, the limit per row`);
  }
  for (const cell of row.cells) {
    if (typeof cell === 'string' && cell.length > limits.maxCellChars) {
      throw new PermanentTaskError(`Row ${formatCount(row.number)} has a cell longer than ${formatCount(limits.maxCellChars)} characters, the limit per cell`);
    }
  }
}

export function importMessage(result: ImportResult, ignored: readonly string[]): string {
  const rows = (n: number) => `${formatCount(n)} ${n === 1 ? 'row' : 'rows'}`;
  let message = result.dryRun
    ? `Dry run: ${rows(result.imported)} would be imported; ${formatCount(result.rejected)} rejected`
    : `Imported ${rows(result.imported)}; ${formatCount(result.rejected)} rejected`;
  if (result.total === 0) message = 'The file has a header row but no data rows; nothing was imported';
  if (ignored.length > 0) {
    const shown = ignored.slice(0, 10).map((h) => `"${h.slice(0, 40)}"`).join(', ');
    message += `. Ignored columns: ${shown}${ignored.length > 10 ? `, and ${ignored.length - 10} more` : ''}`;
  }
  return message;
}

export interface RunImportOptions {
  limits?: Partial<ImportLimits>;
}

export async function runImport(deps: Deps, task: TaskRecord, token: string, progress: TaskProgress, options: RunImportOptions = {}): Promise<void> {
  const limits: ImportLimits = { ...IMPORT_LIMITS, ...options.limits };
  const type = findImportType(task.type);
  if (!type) throw new PermanentTaskError(`Unknown import type "${task.type}"`);
  if (!task.upload) throw new PermanentTaskError('The task has no uploaded file');
  const { key } = task.upload;

  const object = await deps.files.head(key);
  if (!object) throw new PermanentTaskError('The uploaded file is gone; create a new import and upload the file again');
  if (object.size === 0) throw new PermanentTaskError('The file is empty');
  if (object.size > deps.config.importMaxBytes || object.size !== task.upload.size) {
    throw new PermanentTaskError(`The uploaded file has ${formatCount(object.size)} bytes, not the ${formatCount(task.upload.size)} declared`);
  }
  // Every read pins the version checked here: a second PUT to the still-valid upload URL cannot slip a
  // different file past the size and zip checks.
  const version = object.etag;
  const head = await deps.files.readHead(key, Math.min(object.size, HEAD_BYTES), version);
  const format = detectFormat(head);
  if (format === 'xlsx') await inspectZip((start, end) => deps.files.readRange(key, start, end, version), object.size, limits);
  progress.total = null;

  const input: Readable = await deps.files.openRead(key, version);
  input.on('error', () => undefined);
  const rows = format === 'xlsx' ? readXlsxRows(input, limits.maxUncompressedBytes) : readCsvRows(input, detectDelimiter(head.toString('utf8')), limits);

  let sink: ImportSink<unknown> | null = null;
  let report: ReturnType<typeof createErrorReport> | null = null;
  let sinkClosed = false;
  const checkStop = () => {
    if (progress.stopped) progress.check();
  };
  try {
    let header: HeaderMatch | null = null;
    let width = 0;
    let batch: unknown[] = [];
    let imported = 0;
    let rejected = 0;
    let sinceYield = 0;

    for await (const row of rows) {
      checkCells(row, limits);
      if (isBlank(row.cells)) continue;
      if (!header) {
        header = matchHeaders(row.cells, type.columns);
        width = usedWidth(row.cells);
        report = createErrorReport({ files: deps.files, key: reportKey(task.owner, task.id, format), format, headers: header.headers.slice(0, width) });
        // Opened only now: a file without the required columns never touches the sink.
        if (!task.dryRun) sink = type.sink({ taskId: task.id, owner: task.owner, files: deps.files });
        continue;
      }
      if (progress.processed >= limits.maxRows) {
        throw new PermanentTaskError(`The file has more than ${formatCount(limits.maxRows)} rows, the limit; split it into smaller files`);
      }
      progress.processed++;

      let problems: RowProblem[] | null = null;
      // csv only: a record with another number of fields than the header (trailing empty fields tolerated).
      if (format === 'csv' && row.cells.length !== width && (row.cells.length < width || usedWidth(row.cells) > width)) {
        problems = [{ column: '', value: null, message: `expected ${width} columns, found ${row.cells.length}` }];
      } else {
        const record: Record<string, unknown> = {};
        for (const m of header.matched) record[m.column.key] = schemaValue(row.cells[m.index]);
        const parsed = type.row.safeParse(record);
        if (parsed.success) {
          imported++;
          if (sink) batch.push(parsed.data);
        } else {
          problems = parsed.error.issues.map((issue) => {
            const matched = header!.matched.find((m) => m.column.key === issue.path[0]);
            return { column: matched?.header ?? '', value: matched ? (row.cells[matched.index] ?? null) : null, message: issue.message };
          });
        }
      }
      if (problems) {
        rejected++;
        await report!.add(row, problems);
      }
      if (batch.length >= SINK_BATCH_ROWS) {
        checkStop();
        await sink!.write(batch);
        batch = [];
      }
      if (++sinceYield >= YIELD_EVERY_ROWS) {
        sinceYield = 0;
        checkStop();
        // Let timers run (the heartbeat, and in the local stack the API) even when the input is buffered.
        await yieldToEventLoop();
      }
    }
    if (!header) throw new PermanentTaskError(format === 'xlsx' ? 'The first worksheet is empty: it needs a header row' : 'The file has no header row');
    checkStop();
    if (sink && batch.length > 0) await sink.write(batch);

    const errorReportKey = report ? await report.finish() : null;
    checkStop();
    if (sink) {
      await sink.close();
      sinkClosed = true;
    }
    const result: ImportResult = {
      total: progress.processed,
      imported,
      rejected,
      dryRun: task.dryRun,
      errorReportKey,
      errorReportFormat: errorReportKey ? format : null,
    };
    await progress.stop();
    const outcome = await deps.store.complete(task, token, result, null, deps.clock.now(), importMessage(result, header.ignored));
    // Cancelled while the last bytes were going up: neither the report nor the committed rows may stay behind.
    if (outcome === 'cancelled') {
      if (errorReportKey) await deps.files.delete(errorReportKey).catch(() => undefined);
      await sink?.discard().catch(() => undefined);
    }
  } catch (error) {
    if (sink && !sinkClosed) await sink.discard().catch(() => undefined);
    await report?.abort().catch(() => undefined);
    throw error;
  } finally {
    input.destroy();
  }
}
