/** Picks the table writer for a file format; the worker only knows the TableWriter interface. */
import type { Writable } from 'node:stream';
import type { Column } from '../catalog/types';
import type { FileFormat } from '../core/task';
import { createCsvWriter, type CsvWriterOptions } from './csv-writer';
import type { TableWriter } from './table-writer';
import { createXlsxWriter, type XlsxWriterOptions } from './xlsx-writer';

export type TableWriterOptions = CsvWriterOptions & XlsxWriterOptions;

export const CONTENT_TYPES: Record<FileFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function createTableWriter(
  format: FileFormat,
  out: Writable,
  columns: readonly Column[],
  options: TableWriterOptions = {},
): TableWriter {
  switch (format) {
    case 'csv':
      return createCsvWriter(out, columns, options);
    case 'xlsx':
      return createXlsxWriter(out, columns, options);
    default: {
      const unknown: never = format;
      throw new Error(`Unsupported file format: ${String(unknown)}`);
    }
  }
}

export type { TableWriter } from './table-writer';
export type { CsvWriterOptions } from './csv-writer';
export type { XlsxWriterOptions } from './xlsx-writer';
