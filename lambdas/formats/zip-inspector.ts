/**
 * Reads a zip's central directory with ranged reads (no download of the whole file) and refuses an xlsx whose
 * entries would inflate past the limits (zip bombs) or whose directory is missing or inconsistent (truncated or
 * damaged files), before any decompression happens. Supports zip64 records.
 *
 * Layout (APPNOTE.TXT): ... entries ... | central directory | [zip64 EOCD record | zip64 locator] | EOCD (22 bytes + comment)
 */
import { PermanentTaskError } from '../core/errors';
import { formatCount, formatMegabytes, type ImportLimits } from './import-limits';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipSummary {
  entries: ZipEntry[];
  totalUncompressed: number;
}

/** Reads bytes [start, end) of the file. */
export type RangeReader = (start: number, end: number) => Promise<Buffer>;

export type ZipLimits = Pick<ImportLimits, 'maxUncompressedBytes' | 'maxCompressionRatio' | 'ratioCheckFromBytes' | 'maxZipEntries'> &
  Partial<Pick<ImportLimits, 'maxSharedStringsBytes'>>;

export const DAMAGED = 'The xlsx file is damaged or truncated';
const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** A central directory of 10,000 entries with long names stays well below this. */
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

const damaged = (detail?: string) => new PermanentTaskError(detail ? `${DAMAGED} (${detail})` : DAMAGED);

function u64(buf: Buffer, offset: number): number {
  const value = buf.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw damaged('impossible size');
  return Number(value);
}

export async function inspectZip(read: RangeReader, size: number, limits: ZipLimits): Promise<ZipSummary> {
  if (size < EOCD_SIZE) throw damaged();
  const tailStart = Math.max(0, size - EOCD_SIZE - MAX_COMMENT);
  const tail = await read(tailStart, size);
  if (tail.length !== size - tailStart) throw damaged();

  // The EOCD is the last record; scan backwards over a possible comment.
  let at = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + EOCD_SIZE + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw damaged();
  const eocdOffset = tailStart + at;
  let entryCount = tail.readUInt16LE(at + 10);
  let directorySize = tail.readUInt32LE(at + 12);
  let directoryOffset = tail.readUInt32LE(at + 16);
  let directoryEnd = eocdOffset;

  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locatorAt = at - 20;
    if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR) throw damaged();
    const recordOffset = u64(tail, locatorAt + 8);
    if (recordOffset + 56 > eocdOffset - 20) throw damaged();
    const record = await read(recordOffset, recordOffset + 56);
    if (record.length !== 56 || record.readUInt32LE(0) !== ZIP64_EOCD) throw damaged();
    entryCount = u64(record, 32);
    directorySize = u64(record, 40);
    directoryOffset = u64(record, 48);
    directoryEnd = recordOffset;
  }

  if (entryCount > limits.maxZipEntries) throw new PermanentTaskError(`The xlsx file holds ${formatCount(entryCount)} parts; at most ${formatCount(limits.maxZipEntries)} are accepted`);
  if (directorySize > MAX_DIRECTORY_BYTES || directoryOffset + directorySize > directoryEnd) throw damaged();
  const directory = await read(directoryOffset, directoryOffset + directorySize);
  if (directory.length !== directorySize) throw damaged();

  const entries: ZipEntry[] = [];
  let total = 0;
  let p = 0;
  while (p < directory.length) {
    if (p + 46 > directory.length || directory.readUInt32LE(p) !== CENTRAL_HEADER) throw damaged();
    const flags = directory.readUInt16LE(p + 8);
    const method = directory.readUInt16LE(p + 10);
    let compressedSize = directory.readUInt32LE(p + 20);
    let uncompressedSize = directory.readUInt32LE(p + 24);
    const nameLength = directory.readUInt16LE(p + 28);
    const extraLength = directory.readUInt16LE(p + 30);
    const commentLength = directory.readUInt16LE(p + 32);
    let localHeaderOffset = directory.readUInt32LE(p + 42);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > directory.length) throw damaged();
    const name = directory.toString('utf8', p + 46, p + 46 + nameLength);

    // zip64 extended information: only the fields whose 32-bit value is saturated, in this order.
    if (uncompressedSize === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      let e = p + 46 + nameLength;
      const extraEnd = e + extraLength;
      let found = false;
      while (e + 4 <= extraEnd) {
        const id = directory.readUInt16LE(e);
        const length = directory.readUInt16LE(e + 2);
        if (e + 4 + length > extraEnd) throw damaged();
        if (id === 0x0001) {
          let f = e + 4;
          const field = () => {
            if (f + 8 > e + 4 + length) throw damaged();
            const value = u64(directory, f);
            f += 8;
            return value;
          };
          if (uncompressedSize === 0xffffffff) uncompressedSize = field();
          if (compressedSize === 0xffffffff) compressedSize = field();
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = field();
          found = true;
          break;
        }
        e += 4 + length;
      }
      if (!found) throw damaged();
    }

    if (flags & 0x1) throw new PermanentTaskError('The xlsx file is encrypted; save it without a password');
    if (method !== 0 && method !== 8) throw new PermanentTaskError(`The xlsx file uses an unsupported compression method (${method})`);
    // Every entry's data lies before the central directory.
    if (localHeaderOffset + compressedSize > directoryOffset) throw damaged();
    if (uncompressedSize > limits.ratioCheckFromBytes && uncompressedSize > Math.max(compressedSize, 1) * limits.maxCompressionRatio) {
      throw new PermanentTaskError(
        `The xlsx file looks like a zip bomb: its part "${name.slice(0, 100)}" would expand from ${formatCount(compressedSize)} bytes to ${formatMegabytes(uncompressedSize)}`,
      );
    }
    if (limits.maxSharedStringsBytes !== undefined && name === 'xl/sharedStrings.xml' && uncompressedSize > limits.maxSharedStringsBytes) {
      throw new PermanentTaskError(
        `The xlsx file's shared-strings table is ${formatMegabytes(uncompressedSize)}; at most ${formatMegabytes(limits.maxSharedStringsBytes)} can be read. Split the file, or save it as CSV`,
      );
    }
    total += uncompressedSize;
    if (total > limits.maxUncompressedBytes) {
      throw new PermanentTaskError(`The xlsx file expands to more than ${formatMegabytes(limits.maxUncompressedBytes)} uncompressed, the limit; split it into smaller files`);
    }
    entries.push({ name, method, flags, compressedSize, uncompressedSize, localHeaderOffset });
    p = next;
  }
  if (entries.length !== entryCount) throw damaged();
  if (!entries.some((e) => e.name === 'xl/workbook.xml')) throw new PermanentTaskError('The file is a zip archive but not an xlsx workbook');
  return { entries, totalUncompressed: total };
}
