/** A streaming table writer: rows in, file bytes out to a Writable, with backpressure. */
import type { CellValue } from '../catalog/types';

export interface TableWriter {
  /** Adds one row. Returns false when the caller should `await drained()` before writing more. */
  write(row: CellValue[]): boolean;
  /** Resolves when the output has room again. */
  drained(): Promise<void>;
  /** Flushes everything, ends the output stream and reports what was written. */
  finish(): Promise<{ rows: number; sheets: number }>;
}
