/**
 * exceljs spools a worksheet to a temp file when it comes before the shared strings in the zip (as Excel and
 * exceljs write them), and deletes it only after reading that sheet to the end. A warm Lambda keeps /tmp, so an
 * import that stops early (first sheet only, a limit, a cancel) must not leave its spool files behind.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readXlsxRows } from '../../../lambdas/formats/xlsx-reader';

const spoolFiles = () => new Set(readdirSync(tmpdir()).filter((name) => /^tmp-\d+-/.test(name)));

async function twoSheetWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const name of ['First', 'Second']) {
    const sheet = workbook.addWorksheet(name);
    sheet.addRow(['Name', 'Email']);
    for (let i = 0; i < 2000; i++) sheet.addRow([`Person ${i}`, `p${i}@example.com`]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('xlsx spool files', () => {
  it('are gone after a full read of the first sheet and after stopping at the first row', async () => {
    const file = await twoSheetWorkbook();
    const before = spoolFiles();

    let rows = 0;
    for await (const _row of readXlsxRows(Readable.from([file]), 1024 * 1024 * 1024)) rows++;
    expect(rows).toBe(2001);

    for await (const _row of readXlsxRows(Readable.from([file]), 1024 * 1024 * 1024)) break;

    const left = [...spoolFiles()].filter((name) => !before.has(name));
    expect(left).toEqual([]);
    // Unlinked is not enough: an open descriptor would keep the blocks on a warm worker's disk.
    const openDeleted = readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return /\/tmp-\d+-.*\(deleted\)$/.test(readlinkSync(`/proc/self/fd/${fd}`));
      } catch {
        return false;
      }
    });
    expect(openDeleted).toEqual([]);
  });
});
