/**
 * Streaming CSV writer: RFC 4180, UTF-8 (BOM by default, for Excel), CRLF, formula injection neutralised.
 * Hand-rolled rather than csv-stringify: rows are concatenated into ~64 KB strings and written in chunks,
 * which keeps the per-row cost to a few string operations.
 */
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { CellValue, Column, ColumnType } from '../catalog/types';
import { formatIsoDate, formatIsoDateTime, isValidDate, looksLikeFormula } from './cell-format';
import type { TableWriter } from './table-writer';
import { waitForDrain } from './wait-for-drain';

export interface CsvWriterOptions {
  /** Prefix the file with a UTF-8 byte order mark so Excel reads it as UTF-8. Default true. */
  bom?: boolean;
  /** Prefix string cells that start like a formula with `'`. Default true; export types may opt out. */
  neutraliseFormulas?: boolean;
  /** Characters buffered before a chunk goes to the output. Default 65,536. */
  chunkSize?: number;
}

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;
const CRLF = '\r\n';

type Format = (value: Exclude<CellValue, null>) => string;

function quote(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(QUOTE, '""')}"` : text;
}

function textFormat(neutralise: boolean): (text: string) => string {
  return neutralise ? (text) => quote(looksLikeFormula(text) ? `'${text}` : text) : quote;
}

/** One formatter per column, chosen once, so the hot loop does no type dispatch on the column. */
function cellFormat(type: ColumnType, text: (s: string) => string): Format {
  const formatDate = type === 'date' ? formatIsoDate : formatIsoDateTime;
  return (value) => {
    switch (typeof value) {
      case 'string':
        return text(value);
      // Numbers are never neutralised: -5 is a number, not a formula. NaN/Infinity have no CSV form.
      case 'number':
        return Number.isFinite(value) ? String(value) : '';
      case 'boolean':
        return value ? 'true' : 'false';
      default:
        return isValidDate(value) ? formatDate(value) : '';
    }
  };
}

export function createCsvWriter(out: Writable, columns: readonly Column[], options: CsvWriterOptions = {}): TableWriter {
  const { bom = true, neutraliseFormulas = true, chunkSize = 65_536 } = options;
  const text = textFormat(neutraliseFormulas);
  const formats = columns.map((column) => cellFormat(column.type, text));
  const width = formats.length;

  let buffer = (bom ? '\uFEFF' : '') + columns.map((c) => text(c.header)).join(',') + CRLF;
  let rows = 0;
  let blocked = false;
  let failure: Error | undefined;
  let finishing = false;

  const closedEarly = (): Error =>
    failure ?? new Error('CSV output was closed before the file was complete');

  // Keep the error: it fails the next write/drained/finish instead of crashing the process as an unhandled 'error'.
  out.on('error', (error: Error) => {
    failure ??= error;
  });
  // Destroyed without an error (a consumer gave up): nothing will drain or finish, so fail from now on.
  out.on('close', () => {
    if (!out.writableFinished) failure ??= closedEarly();
  });
  out.on('drain', () => {
    blocked = false;
  });

  const flush = (): void => {
    if (buffer.length === 0) return;
    const chunk = buffer;
    buffer = '';
    if (!out.write(chunk)) blocked = true;
  };

  return {
    write(row) {
      if (failure) throw failure;
      if (finishing) throw new Error('CSV writer is finished');
      let line = '';
      for (let i = 0; i < width; i++) {
        const value = row[i];
        const cell = value === null || value === undefined ? '' : formats[i]!(value);
        line = i === 0 ? cell : `${line},${cell}`;
      }
      buffer += line + CRLF;
      rows++;
      if (buffer.length >= chunkSize) flush();
      return !blocked;
    },

    drained() {
      if (failure) return Promise.reject(failure);
      if (!blocked) return Promise.resolve();
      if (out.destroyed) return Promise.reject(closedEarly());
      // A destroyed stream never drains: fail instead of hanging the export.
      return waitForDrain(out, { errorsFrom: [out], closed: closedEarly });
    },

    async finish() {
      if (failure) throw failure;
      if (!finishing) {
        finishing = true;
        flush();
        out.end();
      }
      // Rejects on 'error' and on a close before 'finish'; resolves at once if already finished.
      await finished(out, { readable: false });
      return { rows, sheets: 1 };
    },
  };
}
