/**
 * The floor for XLSX export: the sheet XML an xlsx writer must produce (inline strings, numbers, date serials,
 * booleans, cell references, one style id per column), deflated with zlib.createDeflateRaw at level 1 (exceljs's
 * level) into a file. No zip container, styles or other parts: those are constant-size. This is the least work.
 */
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { createDeflateRaw } from 'node:zlib';
import { generateOrders, orderColumns, ordersParams } from '../../lambdas/catalog/orders-export';
import { runCase } from '../lib/child';
import { scratchFile } from '../lib/scratch';

const LETTERS = orderColumns.map((_, i) => String.fromCharCode(65 + i));
const XML_SPECIAL = /[&<>"]/;
const escape = (s: string) => (XML_SPECIAL.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;') : s);
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

function cell(col: number, r: number, value: unknown): string {
  const ref = `${LETTERS[col]}${r}`;
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'string') return `<c r="${ref}" t="inlineStr"><is><t>${escape(value)}</t></is></c>`;
  if (typeof value === 'number') return `<c r="${ref}" s="${col + 1}"><v>${value}</v></c>`;
  if (typeof value === 'boolean') return `<c r="${ref}" t="b"><v>${value ? 1 : 0}</v></c>`;
  if (value instanceof Date) return `<c r="${ref}" s="${col + 1}"><v>${(value.getTime() - EXCEL_EPOCH_MS) / 86_400_000}</v></c>`;
  return '';
}

await runCase(async (meter, args) => {
  const rows = args.rows;
  const file = scratchFile(`xlsx-floor-${rows}.deflate`);
  meter.begin();
  const out = createWriteStream(file);
  const deflate = createDeflateRaw({ level: 1 });
  deflate.pipe(out);
  let buffer = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">';
  buffer += orderColumns.map((c, i) => cell(i, 1, c.header)).join('') + '</row>';
  let r = 1;
  for (const row of generateOrders(ordersParams.parse({ rows }))) {
    r++;
    let xml = `<row r="${r}">`;
    for (let i = 0; i < row.length; i++) xml += cell(i, r, row[i]);
    buffer += `${xml}</row>`;
    if (buffer.length >= 65_536) {
      const ok = deflate.write(buffer);
      buffer = '';
      if (!ok) await once(deflate, 'drain');
    }
  }
  deflate.end(`${buffer}</sheetData></worksheet>`);
  await once(out, 'finish');
  const seconds = meter.finish();
  const bytes = statSync(file).size;
  rmSync(file, { force: true });
  return { ok: true, seconds, rows, bytes };
});
