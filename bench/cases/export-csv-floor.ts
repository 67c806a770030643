/**
 * The floor for CSV export: the least work that still makes a correct file. Rows from the same generator,
 * concatenated into ~64 KB strings (quoting only the cells that need it), written to a file with backpressure.
 * No BOM, no formula neutralisation, no per-column formatters.
 */
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { generateOrders, orderColumns, ordersParams } from '../../lambdas/catalog/orders-export';
import { runCase } from '../lib/child';
import { scratchFile } from '../lib/scratch';

const NEEDS_QUOTES = /[",\r\n]/;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

await runCase(async (meter, args) => {
  const rows = args.rows;
  const file = scratchFile(`csv-floor-${rows}.csv`);
  meter.begin();
  const out = createWriteStream(file);
  let buffer = orderColumns.map((c) => c.header).join(',') + '\r\n';
  for (const row of generateOrders(ordersParams.parse({ rows }))) {
    buffer += `${cell(row[0])},${cell(row[1])},${cell(row[2])},${cell(row[3])},${cell(row[4])},${cell(row[5])},${cell(row[6])},${cell(row[7])},${cell(row[8])},${cell(row[9])}\r\n`;
    if (buffer.length >= 65_536) {
      const ok = out.write(buffer);
      buffer = '';
      if (!ok) await once(out, 'drain');
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  const seconds = meter.finish();
  const bytes = statSync(file).size;
  rmSync(file, { force: true });
  return { ok: true, seconds, rows, bytes };
});
