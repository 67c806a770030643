/**
 * Diagnostic: the project's own table writer (lambdas/formats createTableWriter, with its backpressure) writing to
 * a local file, rows from the same generator, no worker, Redis or S3. Worker minus this = the cost of the task
 * machinery and the S3 upload; this minus the floor = the cost of the writer.
 */
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { generateOrders, orderColumns, ordersParams } from '../../lambdas/catalog/orders-export';
import { createTableWriter } from '../../lambdas/formats';
import { runCase } from '../lib/child';
import { scratchFile } from '../lib/scratch';

await runCase(async (meter, args) => {
  const rows = args.rows;
  const format = String(args.format ?? 'csv') as 'csv' | 'xlsx';
  const file = scratchFile(`writer-${rows}.${format}`);
  meter.begin();
  const writer = createTableWriter(format, createWriteStream(file), orderColumns);
  for (const row of generateOrders(ordersParams.parse({ rows }))) {
    if (!writer.write(row)) await writer.drained();
  }
  await writer.finish();
  const seconds = meter.finish();
  const bytes = statSync(file).size;
  rmSync(file, { force: true });
  return { ok: true, seconds, rows, bytes };
});
