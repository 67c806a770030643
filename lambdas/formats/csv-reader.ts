/**
 * Streaming CSV reader for imports: UTF-8 (validated, BOM dropped), delimiter detected from the header line,
 * csv-parse with a bounded record size. Yields every record with its row number (records counted from 1, the
 * header being row 1), ragged ones included: the caller reports those as rejected rows.
 */
import { Readable, pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { PermanentTaskError } from '../core/errors';
import { NOT_A_TABLE, type Delimiter } from './detect-format';
import { formatCount, type ImportLimits, type SourceRow } from './import-limits';

async function* decodeUtf8(input: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let offset = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      throw new PermanentTaskError(`The file is not valid UTF-8 text (near byte ${formatCount(offset)}); save it as "CSV UTF-8"`);
    }
    if (bytes.includes(0)) throw new PermanentTaskError(NOT_A_TABLE);
    offset += bytes.length;
    if (text) yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    throw new PermanentTaskError('The file ends in the middle of a UTF-8 character');
  }
}

function describeCsvError(error: CsvError, limits: Pick<ImportLimits, 'maxColumns' | 'maxCellChars'>): string {
  const where = (error as unknown as { records?: number }).records;
  const row = typeof where === 'number' ? ` (row ${formatCount(where + 1)})` : '';
  if (error.code === 'CSV_MAX_RECORD_SIZE') {
    return `A row of the CSV file is longer than ${formatCount(limits.maxColumns * limits.maxCellChars)} characters${row}; is a quote left open?`;
  }
  return `The CSV file is malformed${row}: ${error.message}`;
}

export function readCsvRows(input: AsyncIterable<Buffer | string>, delimiter: Delimiter, limits: Pick<ImportLimits, 'maxColumns' | 'maxCellChars'>): AsyncIterable<SourceRow> {
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: false,
    // Bounds the memory one record may take (an unclosed quote would otherwise swallow the rest of the file).
    max_record_size: limits.maxColumns * limits.maxCellChars + limits.maxColumns,
  });
  // Input errors (S3) and decoding errors destroy the parser with that error, which ends the iteration below.
  pipeline(Readable.from(decodeUtf8(input)), parser, () => undefined);
  return (async function* () {
    let number = 0;
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        number++;
        yield { number, cells: record };
      }
    } catch (error) {
      if (error instanceof CsvError) throw new PermanentTaskError(describeCsvError(error, limits));
      throw error;
    } finally {
      parser.destroy();
    }
  })();
}
