/** The baseline for CSV import: csv-parse streaming over the input file, every record visited. */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { runCase } from '../lib/child';
import { ensureImportFile } from '../lib/contacts';

await runCase(async (meter, args) => {
  const file = await ensureImportFile('csv', args.rows);
  meter.begin();
  let rows = -1;
  let cells = 0;
  for await (const record of createReadStream(file).pipe(parse({ bom: true, relax_column_count: true }))) {
    rows++;
    cells += (record as string[]).length;
  }
  const seconds = meter.finish();
  if (rows !== args.rows) throw new Error(`read ${rows} rows, expected ${args.rows}`);
  return { ok: true, seconds, rows, cells };
});
