/** Import format detection by content (never by file name), and CSV delimiter detection. */
import { PermanentTaskError } from '../core/errors';

export const NOT_A_TABLE = 'The file is neither an xlsx workbook nor a UTF-8 CSV';
/** How much of the file's start is read for detection. */
export const HEAD_BYTES = 64 * 1024;
const BINARY_PROBE_BYTES = 1024;

export type DetectedFormat = 'xlsx' | 'csv';

/** Decides from the first bytes of a (non-empty) file. Throws a PermanentTaskError for anything else. */
export function detectFormat(head: Buffer): DetectedFormat {
  if (head.length === 0) throw new PermanentTaskError('The file is empty');
  // Every zip starts with a local file header (PK\3\4), or is an empty archive (PK\5\6): both go to the zip inspector.
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05)) return 'xlsx';
  // OLE2 compound file: the old binary .xls (and password-protected xlsx, which Excel wraps in OLE2).
  if (head.length >= 8 && head.readUInt32BE(0) === 0xd0cf11e0 && head.readUInt32BE(4) === 0xa1b11ae1) {
    throw new PermanentTaskError('This is an old binary Excel file (.xls) or a password-protected workbook; save it as .xlsx or CSV without a password');
  }
  if (head.subarray(0, BINARY_PROBE_BYTES).includes(0)) throw new PermanentTaskError(NOT_A_TABLE);
  if (!isUtf8Prefix(head)) throw new PermanentTaskError(NOT_A_TABLE);
  return 'csv';
}

/** True when the bytes are valid UTF-8, allowing a multi-byte sequence cut off at the very end. */
export function isUtf8Prefix(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/**
 * The delimiter of a CSV from its header line: whichever of comma, semicolon and tab occurs most often outside
 * quotes in the first line (Excel writes semicolons where the decimal separator is a comma). Comma on a tie or
 * when the line has none (a single column).
 */
export function detectDelimiter(text: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) counts[c]++;
  }
  let best: Delimiter = ',';
  for (const d of DELIMITERS) if (counts[d] > counts[best]) best = d;
  return best;
}
