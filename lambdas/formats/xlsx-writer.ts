/**
 * Streaming XLSX writer on exceljs's WorkbookWriter, with the backpressure exceljs lacks.
 *
 * How exceljs moves bytes: each worksheet writes its XML into a StreamBuf (lib/utils/stream-buf.js) that
 * batches 64 KB and then writes it, ignoring the return value, into a PassThrough that archiver wraps
 * around it (StreamBuf is not a real stream). Archiver's zip stream reads that PassThrough, deflates it and
 * pipes the archive into `out`, with normal pipe backpressure from `out` back to the PassThrough. So the
 * PassThrough is where unwritten sheet XML piles up: we report "full" while it needs draining and wait
 * for its 'drain' (exceljs issues 464, 734, 2916).
 */
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import type { CellValue, Column, ColumnType } from '../catalog/types';
import { formatIsoDateTime, isValidDate, toUtcDay } from './cell-format';
import { waitForDrain } from './wait-for-drain';
import type { TableWriter } from './table-writer';

export interface XlsxWriterOptions {
  /** Name of the first sheet; later ones are "<name> 2", "<name> 3", ... Default "Data". */
  sheetName?: string;
  /** Data rows per sheet before a new sheet starts. Default and maximum 1,048,575 (Excel's limit minus the header). */
  maxRowsPerSheet?: number;
  /** Smaller files for repetitive text, but the whole table stays in memory until the end. Default false. */
  useSharedStrings?: boolean;
}

export const MAX_ROWS_PER_SHEET = 1_048_575;
const MAX_SHEET_NAME = 31;
const NO_VALUES: never[] = [];

const NUMBER_FORMATS: Record<ColumnType, string | undefined> = {
  string: undefined,
  integer: '#,##0',
  number: '#,##0.00',
  currency: '#,##0.00',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss',
  boolean: undefined,
};

const DEFAULT_WIDTHS: Record<ColumnType, number> = {
  string: 20,
  integer: 10,
  number: 14,
  currency: 14,
  date: 12,
  datetime: 20,
  boolean: 8,
};

/** The parts of a Node/readable-stream Writable we rely on inside exceljs. */
interface InternalWritable {
  _writableState: { needDrain: boolean; length: number; highWaterMark: number };
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/** The PassThrough archiver put between the worksheet's StreamBuf and the zip; undefined if exceljs changed. */
function sheetBuffer(worksheet: ExcelJS.Worksheet): InternalWritable | undefined {
  const pipes: unknown = (worksheet as unknown as { stream?: { pipes?: unknown } }).stream?.pipes;
  const target = Array.isArray(pipes) ? (pipes[0] as Partial<InternalWritable> | undefined) : undefined;
  return target?._writableState && typeof target.once === 'function' ? (target as InternalWritable) : undefined;
}

function needsDrain(stream: InternalWritable): boolean {
  const state = stream._writableState;
  return state.needDrain || state.length >= state.highWaterMark;
}

/** Excel forbids []:*?/\ in sheet names and allows 31 characters; leave room for the " 12" suffix. */
function baseSheetName(name: string): string {
  const cleaned = name.replace(/[[\]:*?/\\]/g, ' ').trim() || 'Data';
  return cleaned.slice(0, MAX_SHEET_NAME - 4);
}

function columnWidth(column: Column): number {
  const width = column.width ?? Math.max(DEFAULT_WIDTHS[column.type], column.header.length + 2);
  // exceljs treats exactly 9 as "its default" and leaves the width out, and Excel then shows 8.43.
  return width === 9 ? 9.01 : width;
}

/** Values exceljs should see for a column type: dates as Dates, nothing it cannot serialise. */
function cellValue(type: ColumnType, value: CellValue | undefined): CellValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) {
    if (!isValidDate(value)) return null;
    if (type === 'date') return toUtcDay(value);
    // A Date in a non-date column would get exceljs's default date style; show it as ISO text instead.
    return type === 'datetime' ? value : formatIsoDateTime(value);
  }
  return value;
}

export function createXlsxWriter(out: Writable, columns: readonly Column[], options: XlsxWriterOptions = {}): TableWriter {
  const { sheetName = 'Data', maxRowsPerSheet = MAX_ROWS_PER_SHEET, useSharedStrings = false } = options;
  if (!Number.isInteger(maxRowsPerSheet) || maxRowsPerSheet < 1 || maxRowsPerSheet > MAX_ROWS_PER_SHEET) {
    throw new RangeError(`maxRowsPerSheet must be an integer from 1 to ${MAX_ROWS_PER_SHEET}`);
  }
  const baseName = baseSheetName(sheetName);
  const types = columns.map((c) => c.type);
  const width = columns.length;
  // One style object per column, shared by every cell: exceljs caches style ids by object identity, so a
  // fresh object per cell (its default) would re-serialise the style for every cell.
  const styles = columns.map((c): Partial<ExcelJS.Style> => {
    const numFmt = NUMBER_FORMATS[c.type];
    return numFmt ? { numFmt } : {};
  });
  const headerStyle: Partial<ExcelJS.Style> = { font: { bold: true } };
  const rowStyle: Partial<ExcelJS.Style> = {};

  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings });
  // archiver reports errors on itself only; without a listener they would crash the process, and `out`
  // would never finish. Destroying `out` fails the consumer (the S3 upload) and our pending promises.
  const zip = (workbook as unknown as { zip: NodeJS.EventEmitter }).zip;
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    if (!out.destroyed) out.destroy(error);
  };
  zip.on('error', fail);
  out.on('error', (error: Error) => {
    failure ??= error;
  });
  // Destroyed without an error (a consumer gave up): nothing will drain or finish, so fail from now on.
  out.on('close', () => {
    if (!out.writableFinished) failure ??= new Error('XLSX output was closed before the file was complete');
  });

  let sheets = 0;
  let rows = 0;
  let rowsInSheet = 0;
  let finishing = false;
  let worksheet!: ExcelJS.Worksheet;
  let buffer: InternalWritable | undefined;

  const openSheet = (): void => {
    sheets++;
    worksheet = workbook.addWorksheet(sheets === 1 ? baseName : `${baseName} ${sheets}`, {
      views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
    });
    worksheet.columns = columns.map((c, i) => ({ key: c.key, width: columnWidth(c), style: styles[i]! }));
    const header = worksheet.addRow(columns.map((c) => c.header));
    header.eachCell((cell) => {
      cell.style = headerStyle;
    });
    header.commit();
    rowsInSheet = 0;
    buffer = sheetBuffer(worksheet);
  };

  // Backpressure from `out` only reaches us through the sheet buffer; checking `out` too is a cheap guard.
  const full = (): boolean => (buffer !== undefined && needsDrain(buffer)) || out.writableNeedDrain;

  openSheet();

  return {
    write(row) {
      if (failure) throw failure;
      if (finishing) throw new Error('XLSX writer is finished');
      if (rowsInSheet === maxRowsPerSheet) {
        // Ending the sheet's stream lets the zip move on to the next entry.
        worksheet.commit();
        openSheet();
      }
      const added = worksheet.addRow(NO_VALUES);
      (added as unknown as { style: Partial<ExcelJS.Style> }).style = rowStyle;
      for (let i = 0; i < width; i++) {
        const value = cellValue(types[i]!, row[i]);
        // Empty cells are left out of the XML altogether.
        if (value === null) continue;
        const cell = added.getCell(i + 1);
        cell.value = value;
        cell.style = styles[i]!;
      }
      added.commit();
      rowsInSheet++;
      rows++;
      return !full();
    },

    async drained() {
      // Loop: after a 'drain' the sheet may have rolled over or `out` may still be full.
      while (!failure && full()) {
        const target: Pick<InternalWritable, 'once' | 'off'> =
          buffer !== undefined && needsDrain(buffer) ? buffer : (out as unknown as InternalWritable);
        // Neither a destroyed output nor a closed sheet buffer will drain: fail instead of hanging.
        await waitForDrain(target, {
          errorsFrom: [out, zip],
          closesFrom: [out],
          closed: () => failure ?? new Error('XLSX output was closed before the file was complete'),
        });
      }
      if (failure) throw failure;
    },

    async finish() {
      if (failure) throw failure;
      const done = finished(out, { readable: false });
      if (!finishing) {
        finishing = true;
        worksheet.commit();
        // commit() may never settle in some stream setups (exceljs issue 2200); `out` finishing is the
        // real signal that the archive is complete, so wait for that and only take errors from commit().
        void workbook.commit().catch(fail);
      }
      await done;
      if (failure) throw failure;
      return { rows, sheets };
    },
  };
}
