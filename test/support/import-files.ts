/** Import fixtures generated in code (no binary files in the repository), and the client side of an import. */
import { crc32, createDeflateRaw } from 'node:zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import ExcelJS from 'exceljs';
import type { apiClient } from './api-client';

type Api = ReturnType<typeof apiClient>;
type Cell = string | number | boolean | Date | null | undefined;

/** A real xlsx (exceljs, as a user's spreadsheet would be): header row, then rows; Dates become date cells. */
export async function xlsxFile(header: string[], rows: Cell[][], sheetName = 'Contacts'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow(header);
  for (const row of rows) {
    const added = sheet.addRow(row.map((c) => (c === undefined ? null : c)));
    added.eachCell((cell) => {
      if (cell.value instanceof Date) cell.numFmt = 'yyyy-mm-dd';
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const csvCell = (c: Cell, delimiter: string): string => {
  if (c === null || c === undefined) return '';
  const text = c instanceof Date ? c.toISOString().slice(0, 10) : String(c);
  return /["\r\n]/.test(text) || text.includes(delimiter) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function csvText(header: string[], rows: Cell[][], options: { delimiter?: string; bom?: boolean; eol?: string } = {}): string {
  const { delimiter = ',', bom = false, eol = '\r\n' } = options;
  const lines = [header, ...rows].map((r) => r.map((c) => csvCell(c, delimiter)).join(delimiter));
  return (bom ? '\uFEFF' : '') + lines.join(eol) + eol;
}

interface ZipPart {
  name: string;
  /** Stored data, or (for deflated parts) the raw deflate stream with the sizes it claims. */
  data: Buffer;
  method: 0 | 8;
  uncompressedSize: number;
  crc: number;
}

/** A minimal zip writer (local headers, central directory, EOCD) for hand-crafted archives. */
export function zipArchive(parts: ZipPart[]): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(part.method, 8);
    local.writeUInt32LE(part.crc >>> 0, 14);
    local.writeUInt32LE(part.data.length, 18);
    local.writeUInt32LE(part.uncompressedSize, 22);
    local.writeUInt16LE(name.length, 26);
    chunks.push(local, name, part.data);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(part.method, 10);
    entry.writeUInt32LE(part.crc >>> 0, 16);
    entry.writeUInt32LE(part.data.length, 20);
    entry.writeUInt32LE(part.uncompressedSize, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += local.length + name.length + part.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}

export const storedPart = (name: string, text: string): ZipPart => {
  const data = Buffer.from(text);
  return { name, data, method: 0, uncompressedSize: data.length, crc: crc32(data) };
};

/** `megabytes` MiB of the same byte, deflated as a stream (never held in memory uncompressed). */
export async function deflatedRepeat(name: string, megabytes: number, byte = 0x20): Promise<ZipPart> {
  const block = Buffer.alloc(1024 * 1024, byte);
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  let crc = 0;
  for (let i = 0; i < megabytes; i++) {
    crc = crc32(block, crc);
    if (!deflate.write(block)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return { name, data: Buffer.concat(out), method: 8, uncompressedSize: megabytes * 1024 * 1024, crc };
}

/** An "xlsx" whose only sheet inflates to `megabytes` MiB of spaces from a few hundred KB. */
export async function zipBomb(megabytes = 200): Promise<Buffer> {
  return zipArchive([
    storedPart('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    storedPart('xl/workbook.xml', '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="S" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>'),
    await deflatedRepeat('xl/worksheets/sheet1.xml', megabytes),
  ]);
}

export interface ImportRun {
  created: any;
  started: { status: number; body: any };
  task: any;
}

export const createImport = (api: Api, body: unknown, headers?: Record<string, string>) => api.call('POST', '/v1/imports', body, headers);
export const startImport = (api: Api, id: string) => api.call('POST', `/v1/tasks/${encodeURIComponent(id)}/start`);

/** PUT to the presigned URL as a browser would (fetch sets Content-Length from the body). */
export async function putUpload(upload: { url: string; method: string }, body: Buffer | string): Promise<number> {
  const res = await fetch(upload.url, { method: upload.method, body: typeof body === 'string' ? body : new Uint8Array(body) });
  await res.arrayBuffer();
  return res.status;
}

/** create → PUT → start → poll until the task ends. */
export async function importFile(api: Api, type: string, fileName: string, body: Buffer | string, options: { dryRun?: boolean; timeoutMs?: number } = {}): Promise<ImportRun> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const created = await createImport(api, { type, fileName, size: bytes.length, ...(options.dryRun ? { dryRun: true } : {}) });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const put = await putUpload(created.body.upload, bytes);
  if (put !== 200) throw new Error(`upload failed: ${put}`);
  const started = await startImport(api, created.body.id);
  if (started.status !== 202) return { created: created.body, started, task: null };
  const task = await api.waitFor(created.body.id, (t) => t.status === 2, options.timeoutMs ?? 60_000);
  return { created: created.body, started, task };
}

export async function readObject(s3: S3Client, bucket: string, key: string): Promise<Buffer | null> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
    throw error;
  }
}

export function jsonLines(buffer: Buffer | null): unknown[] {
  if (!buffer) return [];
  return buffer
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}
