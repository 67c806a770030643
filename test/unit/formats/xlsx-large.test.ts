/** The real sheet limit: 1,100,000 rows must split into a full first sheet and a second one. */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Column } from '../../../lambdas/catalog/types';
import { createXlsxWriter, MAX_ROWS_PER_SHEET } from '../../../lambdas/formats/xlsx-writer';

const ROWS = 1_100_000;
const columns: Column[] = [
  { key: 'id', header: 'ID', type: 'integer' },
  { key: 'code', header: 'Code', type: 'string' },
];

describe('XLSX writer at the sheet limit', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xlsx-large-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('splits 1,100,000 rows into two sheets with headers', { timeout: 180_000 }, async () => {
    const file = join(dir, 'large.xlsx');
    const writer = createXlsxWriter(createWriteStream(file), columns);
    for (let id = 1; id <= ROWS; id++) {
      if (!writer.write([id, `C${id}`])) await writer.drained();
    }
    expect(await writer.finish()).toEqual({ rows: ROWS, sheets: 2 });
    expect((await stat(file)).size).toBeGreaterThan(0);

    // Streaming reader: the file is never held in memory as a whole.
    const sheets: { rows: number; header: unknown; first: unknown; last: unknown }[] = [];
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache' });
    for await (const worksheet of reader) {
      const sheet = { rows: 0, header: undefined as unknown, first: undefined as unknown, last: undefined as unknown };
      for await (const row of worksheet as unknown as AsyncIterable<ExcelJS.Row>) {
        sheet.rows++;
        if (row.number === 1) sheet.header = row.values;
        else if (row.number === 2) sheet.first = row.values;
        sheet.last = row.values;
      }
      sheets.push(sheet);
    }

    expect(MAX_ROWS_PER_SHEET).toBe(1_048_575);
    expect(sheets).toEqual([
      {
        rows: 1_048_575 + 1,
        header: [undefined, 'ID', 'Code'],
        first: [undefined, 1, 'C1'],
        last: [undefined, 1_048_575, 'C1048575'],
      },
      {
        rows: 51_425 + 1,
        header: [undefined, 'ID', 'Code'],
        first: [undefined, 1_048_576, 'C1048576'],
        last: [undefined, ROWS, `C${ROWS}`],
      },
    ]);
  });
});
