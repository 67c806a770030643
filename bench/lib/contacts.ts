/**
 * Synthetic `contacts` rows for the import benchmarks (name, email, phone, country code, birth date), deterministic,
 * and the input files built from them: a CSV, an inline-string xlsx and a shared-strings xlsx as Excel writes it.
 * Files are cached in the scratch directory by row count (they take a while to build at 1M rows).
 */
import { createWriteStream, existsSync, renameSync } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { scratchFile } from './scratch';

export const CONTACT_HEADERS = ['Name', 'Email', 'Phone', 'Country code', 'Birth date'];
export type ImportVariant = 'csv' | 'xlsx-inline' | 'xlsx-shared';
export const IMPORT_VARIANTS: readonly ImportVariant[] = ['csv', 'xlsx-inline', 'xlsx-shared'];

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Linus', 'Zoë', 'José'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Müller'];
const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'NL', 'SE', 'ES'];
const DAY_MS = 86_400_000;
const ascii = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

export function* contacts(rows: number): Generator<[string, string, string, string, Date]> {
  let a = 42;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const base = Date.UTC(1950, 0, 1);
  for (let i = 0; i < rows; i++) {
    const first = FIRST[Math.floor(random() * FIRST.length)]!;
    const last = LAST[Math.floor(random() * LAST.length)]!;
    const phone = `+1 555 ${String(Math.floor(random() * 10_000)).padStart(4, '0')} ${String(i % 1000).padStart(3, '0')}`;
    // ASCII addresses (the schema refuses non-ASCII local parts); every 100th row is invalid, to exercise the
    // error report the way a real file does.
    const email = i % 100 === 99 ? `${first}.${last}.${i}(at)example.com` : `${first}.${last}.${i}@example.com`;
    yield [`${first} ${last}`, ascii(email).toLowerCase(), phone, COUNTRIES[Math.floor(random() * COUNTRIES.length)]!, new Date(base + Math.floor(random() * 20_000) * DAY_MS)];
  }
}

export function importFile(variant: ImportVariant, rows: number): string {
  return scratchFile(`contacts-v2-${rows}-${variant}.${variant === 'csv' ? 'csv' : 'xlsx'}`);
}

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  let buffer = `${CONTACT_HEADERS.join(',')}\r\n`;
  for (const [name, email, phone, country, birth] of contacts(rows)) {
    buffer += `${name},${email},${phone},${country},${birth.toISOString().slice(0, 10)}\r\n`;
    if (buffer.length > 65_536) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

async function writeXlsx(path: string, rows: number, useSharedStrings: boolean): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings });
  const sheet = workbook.addWorksheet('Contacts');
  sheet.columns = CONTACT_HEADERS.map((header, i) => ({ header, key: `c${i}`, width: 20, ...(i === 4 ? { style: { numFmt: 'yyyy-mm-dd' } } : {}) }));
  let n = 0;
  for (const row of contacts(rows)) {
    sheet.addRow(row).commit();
    // Let the file stream drain now and then so building a 1M-row input does not hold all of it in memory.
    if (++n % 5000 === 0) await new Promise((r) => setImmediate(r));
  }
  sheet.commit();
  await workbook.commit();
}

/** Builds the input file for a variant unless it is already there. Returns its path. */
export async function ensureImportFile(variant: ImportVariant, rows: number): Promise<string> {
  const path = importFile(variant, rows);
  if (existsSync(path)) return path;
  const tmp = `${path}.tmp`;
  if (variant === 'csv') await writeCsv(tmp, rows);
  else await writeXlsx(tmp, rows, variant === 'xlsx-shared');
  renameSync(tmp, path);
  return path;
}
