import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsvRows } from '../../../lambdas/formats/csv-reader';
import { IMPORT_LIMITS, type SourceRow } from '../../../lambdas/formats/import-limits';
import { plainCell, readXlsxRows } from '../../../lambdas/formats/xlsx-reader';
import { xlsxFile } from '../../support/import-files';

async function collect(rows: AsyncIterable<SourceRow>): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}
const chunks = (text: string | Buffer, size = 7) => {
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
};

describe('csv reader', () => {
  it('drops the BOM, keeps ragged and blank records with their row numbers, decodes UTF-8 split across chunks', async () => {
    const rows = await collect(readCsvRows(chunks('\uFEFFname;email\r\nZoë;z@x.io\r\n\r\n"a;b";c;d\r\n', 3), ';', IMPORT_LIMITS));
    expect(rows).toEqual([
      { number: 1, cells: ['name', 'email'] },
      { number: 2, cells: ['Zoë', 'z@x.io'] },
      { number: 3, cells: [''] },
      { number: 4, cells: ['a;b', 'c', 'd'] },
    ]);
  });

  it('fails on an unclosed quote with csv-parse\'s reason, on invalid UTF-8, and on a runaway record', async () => {
    await expect(collect(readCsvRows(chunks('a,b\r\n"x,y\r\n'), ',', IMPORT_LIMITS))).rejects.toThrow(/^The CSV file is malformed.*Quote Not Closed/);
    await expect(collect(readCsvRows(chunks(Buffer.from('a,b\nJos\xe9,1\n', 'latin1')), ',', IMPORT_LIMITS))).rejects.toThrow(/not valid UTF-8/);
    await expect(collect(readCsvRows(chunks(`a\n"${'x'.repeat(500)}`, 64), ',', { maxColumns: 2, maxCellChars: 100 }))).rejects.toThrow(/longer than 200 characters.*quote left open/);
  });

  it('passes input errors through as they are (retryable)', async () => {
    const input = new Readable({ read() {} });
    input.push('a,b\n1,2\n');
    setTimeout(() => input.destroy(new Error('socket hang up')), 10);
    await expect(collect(readCsvRows(input, ',', IMPORT_LIMITS))).rejects.toThrow('socket hang up');
  });
});

describe('xlsx reader', () => {
  it('reads the first sheet with dates, numbers, booleans and row numbers', async () => {
    const file = await xlsxFile(['Name', 'Born', 'Score', 'Ok'], [['A', new Date(Date.UTC(1990, 0, 2)), 1.5, true], [], ['C', null, 3, false]]);
    const rows = await collect(readXlsxRows(Readable.from([file]), IMPORT_LIMITS.maxUncompressedBytes));
    expect(rows[0]).toEqual({ number: 1, cells: ['Name', 'Born', 'Score', 'Ok'] });
    expect(rows[1]).toEqual({ number: 2, cells: ['A', new Date(Date.UTC(1990, 0, 2)), 1.5, true] });
    expect(rows.at(-1)).toEqual({ number: 4, cells: ['C', null, 3, false] });
  });

  it('stops when the inflated bytes pass the limit even if the directory said otherwise', async () => {
    const file = await xlsxFile(['Name'], Array.from({ length: 2000 }, (_, i) => [`Person number ${i}`]));
    await expect(collect(readXlsxRows(Readable.from([file]), 10_000))).rejects.toThrow(/expands to more than/);
  });

  it('flattens rich text, formulas, hyperlinks and errors', () => {
    expect(plainCell({ richText: [{ text: 'a' }, { text: 'b' }] })).toBe('ab');
    expect(plainCell({ formula: 'A1*2', result: 4 })).toBe(4);
    expect(plainCell({ text: 'site', hyperlink: 'http://x' })).toBe('site');
    expect(plainCell({ error: '#N/A' })).toBe('#N/A');
    expect(plainCell(undefined)).toBeNull();
  });
});
