/**
 * Streaming xlsx reader for imports on exceljs's WorkbookReader: the first worksheet only, row by row, with
 * shared strings cached (exceljs needs them to resolve cells) and styles read (they tell dates from numbers).
 *
 * The zip was inspected beforehand (zip-inspector.ts): its central directory promises sizes within the limits.
 * A zip can lie in its directory, so the bytes exceljs actually inflates for the shared strings and the sheet
 * are counted too, and reading stops past the same uncompressed limit.
 */
import { Transform, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { PermanentTaskError } from '../core/errors';
import { FailureSignal } from '../core/failure-signal';
import { spoolScope } from './xlsx-spool';
import { formatMegabytes, type RawCell, type SourceRow } from './import-limits';

const READER_OPTIONS = {
  worksheets: 'emit',
  sharedStrings: 'cache',
  hyperlinks: 'ignore',
  styles: 'cache',
  entries: 'emit',
} as const;

/** exceljs cell values → plain cells: rich text joined, formulas as their cached result, errors as their code. */
export function plainCell(value: unknown): RawCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'object') {
    const v = value as { richText?: { text?: string }[]; result?: unknown; formula?: string; sharedFormula?: string; error?: string; text?: unknown };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text ?? '').join('');
    if ('formula' in v || 'sharedFormula' in v) return plainCell(v.result);
    if (typeof v.error === 'string') return v.error;
    if ('text' in v) return plainCell(v.text);
  }
  return null;
}

class ByteBudget {
  used = 0;
  constructor(private readonly limit: number) {}
  add(bytes: number): void {
    this.used += bytes;
    if (this.used > this.limit) {
      throw new PermanentTaskError(`The xlsx file expands to more than ${formatMegabytes(this.limit)} uncompressed, the limit; split it into smaller files`);
    }
  }
  async *count(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      this.add(chunk.length);
      yield chunk;
    }
  }
  counter(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        try {
          this.add(chunk.length);
          callback(null, chunk);
        } catch (error) {
          callback(error as Error);
        }
      },
    });
  }
}

/** Makes exceljs's private parse steps count what they inflate (checked against exceljs 4.4.0). */
function countInflatedBytes(reader: ExcelJS.stream.xlsx.WorkbookReader, budget: ByteBudget): void {
  const internals = reader as unknown as {
    _parseWorksheet?: (iterator: AsyncIterable<Buffer>, sheetNo: string) => unknown;
    _parseSharedStrings?: (entry: Readable) => unknown;
  };
  const parseWorksheet = internals._parseWorksheet;
  const parseSharedStrings = internals._parseSharedStrings;
  if (typeof parseWorksheet === 'function') {
    internals._parseWorksheet = (iterator, sheetNo) => parseWorksheet.call(reader, budget.count(iterator), sheetNo);
  }
  if (typeof parseSharedStrings === 'function') {
    internals._parseSharedStrings = (entry) => {
      const counted = budget.counter();
      entry.on('error', (error) => counted.destroy(error));
      return parseSharedStrings.call(reader, entry.pipe(counted));
    };
  }
}

/**
 * Rows of the first worksheet. `input` errors (the S3 stream) are passed through as they are (retryable);
 * anything exceljs or the zip layer throws becomes a PermanentTaskError.
 */
export function readXlsxRows(input: Readable, maxUncompressedBytes: number): AsyncIterable<SourceRow> {
  return (async function* () {
    let inputError: Error | null = null;
    // exceljs pipes the input into unzipper, and pipe() does not forward errors: without this signal a failed
    // download would leave the parse waiting forever.
    const inputFailed = new FailureSignal();
    input.on('error', (error) => {
      inputError = error;
      inputFailed.fail(error);
    });
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, READER_OPTIONS);
    countInflatedBytes(reader, new ByteBudget(maxUncompressedBytes));
    const sheets = reader[Symbol.asyncIterator]();
    const spool = spoolScope();
    const next = <T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T>> => inputFailed.guard(spool.run(() => iterator.next()));
    let rows: AsyncIterator<ExcelJS.Row> | undefined;
    try {
      const first = await next(sheets);
      if (first.done) throw new PermanentTaskError('The xlsx file has no worksheet');
      rows = (first.value as unknown as AsyncIterable<ExcelJS.Row>)[Symbol.asyncIterator]();
      for (;;) {
        const step = await next(rows);
        if (step.done) break;
        const row = step.value;
        const values = row.values as unknown[];
        const cells: RawCell[] = [];
        for (let i = 1; i < values.length; i++) cells.push(plainCell(values[i]));
        yield { number: row.number, cells };
      }
    } catch (error) {
      if (inputError) throw inputError;
      if (error instanceof PermanentTaskError) throw error;
      throw new PermanentTaskError(`The xlsx file could not be read: ${(error as Error)?.message ?? String(error)}`);
    } finally {
      // Only the first sheet is read: stop the download and the unzip here. Returning the iterators closes the
      // spooled sheet's read stream (its descriptor); bounded, since exceljs may be waiting on a dead stream.
      input.destroy();
      const closing = Promise.allSettled([rows?.return?.(), sheets.return?.(undefined)]);
      await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      await spool.cleanup();
    }
  })();
}
