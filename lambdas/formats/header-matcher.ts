/**
 * Matches a file's header row to an import type's columns. Header cells are normalised (Unicode NFKC,
 * lower case, spaces, underscores, hyphens and dots removed) and compared with each column's key, header and
 * aliases normalised the same way, so "E-mail", "e_mail" and "EMAIL " all find `email`.
 */
import { PermanentTaskError } from '../core/errors';
import type { ImportColumn } from '../catalog/types';
import type { RawCell } from './import-limits';

export interface MatchedColumn {
  column: ImportColumn;
  /** Index of the cell in each row. */
  index: number;
  /** The header as written in the file (for the error report). */
  header: string;
}

export interface HeaderMatch {
  matched: MatchedColumn[];
  /** Headers that name no column: ignored, mentioned in the task's message. */
  ignored: string[];
  /** The file's header cells as text, by position. */
  headers: string[];
}

export function normaliseHeader(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s_\-.]+/g, '');
}

export const headerText = (cell: RawCell | undefined): string =>
  cell === null || cell === undefined ? '' : cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell).trim();

export function matchHeaders(cells: readonly RawCell[], columns: readonly ImportColumn[]): HeaderMatch {
  const names = new Map<string, ImportColumn>();
  for (const column of columns) {
    for (const name of [column.key, column.header, ...(column.aliases ?? [])]) {
      const normalised = normaliseHeader(name);
      if (!names.has(normalised)) names.set(normalised, column);
    }
  }
  const headers = cells.map(headerText);
  const matched: MatchedColumn[] = [];
  const ignored: string[] = [];
  headers.forEach((header, index) => {
    if (header === '') return;
    const column = names.get(normaliseHeader(header));
    if (!column) {
      ignored.push(header);
      return;
    }
    const earlier = matched.find((m) => m.column === column);
    if (earlier) {
      throw new PermanentTaskError(`The columns "${earlier.header}" and "${header}" both mean ${column.header}; keep only one of them`);
    }
    matched.push({ column, index, header });
  });
  const missing = columns.filter((c) => c.required && !matched.some((m) => m.column === c));
  if (missing.length > 0) {
    throw new PermanentTaskError(`Missing required columns: ${missing.map((c) => c.header).join(', ')}`);
  }
  return { matched, ignored, headers };
}
