/** Builds (or reuses) the import input files. Not a measurement: it keeps file generation out of the timed cases. */
import { statSync } from 'node:fs';
import { runCase } from '../lib/child';
import { ensureImportFile, IMPORT_VARIANTS } from '../lib/contacts';

await runCase(async (meter, args) => {
  meter.begin();
  const files: Record<string, number> = {};
  for (const variant of IMPORT_VARIANTS) files[variant] = statSync(await ensureImportFile(variant, args.rows)).size;
  const seconds = meter.finish();
  return { ok: true, seconds, rows: args.rows, files, note: 'input files (cached between runs)' };
});
