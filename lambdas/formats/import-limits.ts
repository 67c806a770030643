/**
 * Import limits, in one place. Each one fails the task with a message that names the limit, before the
 * worker runs out of memory, disk or time. The byte cap of the upload itself is CoreConfig.importMaxBytes
 * (IMPORT_MAX_BYTES, default 50 MB), enforced when the upload URL is issued and again by the worker.
 */
export interface ImportLimits {
  /** Data rows (the header row not counted). */
  maxRows: number;
  /** Cells per row, header included. */
  maxColumns: number;
  /** Characters per cell: Excel's own limit. */
  maxCellChars: number;
  /** Sum of the uncompressed sizes of every entry of an xlsx (its zip). */
  maxUncompressedBytes: number;
  /** Uncompressed / compressed size of one zip entry above which it is taken for a zip bomb... */
  maxCompressionRatio: number;
  /** ...once the entry inflates to more than this (tiny entries may compress absurdly well). */
  ratioCheckFromBytes: number;
  /** Entries in an xlsx's zip. */
  maxZipEntries: number;
  /**
   * Uncompressed size of the shared-strings part (what Excel writes). exceljs's streaming reader keeps the whole
   * table in memory, about 4-10 times its XML size (benchmarks): past this a task fails clearly instead of the
   * worker running out of memory. Files without shared strings (inline strings, CSV) are not affected.
   */
  maxSharedStringsBytes: number;
}

export const IMPORT_LIMITS: Readonly<ImportLimits> = {
  maxRows: 1_000_000,
  maxColumns: 100,
  maxCellChars: 32_767,
  maxUncompressedBytes: 1024 * 1024 * 1024,
  maxCompressionRatio: 250,
  ratioCheckFromBytes: 1024 * 1024,
  maxZipEntries: 10_000,
  maxSharedStringsBytes: 48 * 1024 * 1024,
};

/** A cell as read from an uploaded file: strings and numbers from csv and xlsx, booleans and Dates from xlsx. */
export type RawCell = string | number | boolean | Date | null;

/** One row of an uploaded file. `number` is the row number the user sees (the header is row 1). */
export interface SourceRow {
  number: number;
  cells: RawCell[];
}

export const formatCount = (n: number): string => n.toLocaleString('en-US');
export const formatMegabytes = (bytes: number): string => `${formatCount(Math.round(bytes / (1024 * 1024)))} MB`;
