/**
 * The baseline for XLSX export: exceljs's streaming WorkbookWriter to a file, the straightforward way
 * (addRow(values).commit(), no backpressure), rows from the same generator the worker uses.
 */
import { rmSync, statSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { generateOrders, orderColumns, ordersParams } from '../../lambdas/catalog/orders-export';
import { runCase } from '../lib/child';
import { scratchFile } from '../lib/scratch';

await runCase(async (meter, args) => {
  const rows = args.rows;
  const file = scratchFile(`bare-exceljs-${rows}.xlsx`);
  meter.begin();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Data');
  sheet.columns = orderColumns.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  for (const row of generateOrders(ordersParams.parse({ rows }))) sheet.addRow(row).commit();
  sheet.commit();
  await workbook.commit();
  const seconds = meter.finish();
  const bytes = statSync(file).size;
  rmSync(file, { force: true });
  return { ok: true, seconds, rows, bytes };
});
