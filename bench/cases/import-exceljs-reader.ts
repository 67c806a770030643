/**
 * The baseline for XLSX import: exceljs's streaming WorkbookReader (default options: shared strings cached,
 * worksheets emitted) iterating every row of an inline-string or a shared-strings file.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import ExcelJS from 'exceljs';
import { runCase } from '../lib/child';
import { ensureImportFile, type ImportVariant } from '../lib/contacts';

await runCase(async (meter, args) => {
  const variant = String(args.variant ?? 'xlsx-inline') as ImportVariant;
  const file = await ensureImportFile(variant, args.rows);
  const tmpBefore = new Set(readdirSync(tmpdir()));
  meter.begin();
  let rows = -1;
  let cells = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {});
  for await (const worksheet of reader) {
    for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
      rows++;
      cells += row.cellCount;
    }
  }
  const seconds = meter.finish();
  if (rows !== args.rows) throw new Error(`read ${rows} rows, expected ${args.rows}`);
  const tmpNew = readdirSync(tmpdir()).filter((f) => !tmpBefore.has(f)).length;
  return { ok: true, seconds, rows, cells, tempEntriesLeft: tmpNew };
});
