import { describe, expect, it } from 'vitest';
import { IMPORT_LIMITS } from '../../../lambdas/formats/import-limits';
import { inspectZip } from '../../../lambdas/formats/zip-inspector';
import { deflatedRepeat, storedPart, xlsxFile, zipArchive, zipBomb } from '../../support/import-files';

const reader = (file: Buffer) => {
  const reads: [number, number][] = [];
  return {
    reads,
    read: async (start: number, end: number) => {
      reads.push([start, end]);
      return file.subarray(start, end);
    },
  };
};
const inspect = (file: Buffer, limits = IMPORT_LIMITS) => inspectZip(reader(file).read, file.length, limits);

describe('zip inspection', () => {
  it('lists an xlsx written by exceljs with its sizes, reading only the tail and the directory', async () => {
    const file = await xlsxFile(['Name', 'Email'], Array.from({ length: 500 }, (_, i) => [`P ${i}`, `p${i}@example.com`]));
    const r = reader(file);
    const summary = await inspectZip(r.read, file.length, IMPORT_LIMITS);
    expect(summary.entries.map((e) => e.name)).toContain('xl/worksheets/sheet1.xml');
    expect(summary.entries.map((e) => e.name)).toContain('xl/workbook.xml');
    expect(summary.totalUncompressed).toBeGreaterThan(file.length);
    expect(r.reads).toHaveLength(2);
  });

  it('refuses a truncated file at any cut, and a file that is not a zip', async () => {
    const file = await xlsxFile(['Name'], [['A'], ['B']]);
    for (const cut of [30, 1000, file.length - 30, file.length - 1]) {
      await expect(inspect(file.subarray(0, cut))).rejects.toThrow('The xlsx file is damaged or truncated');
    }
    await expect(inspect(Buffer.from('PK\x03\x04 this is not really a zip at all, just text'))).rejects.toThrow('damaged or truncated');
  });

  it('refuses a zip bomb by its compression ratio before inflating anything', async () => {
    await expect(inspect(await zipBomb(20))).rejects.toThrow(/zip bomb: its part "xl\/worksheets\/sheet1.xml" would expand from [\d,]+ bytes to 20 MB/);
  });

  it('refuses an archive whose total uncompressed size passes the limit', async () => {
    const file = zipArchive([storedPart('xl/workbook.xml', '<workbook/>'), await deflatedRepeat('xl/worksheets/sheet1.xml', 3)]);
    await expect(inspect(file, { ...IMPORT_LIMITS, maxUncompressedBytes: 2 * 1024 * 1024, maxCompressionRatio: 1e9 })).rejects.toThrow(
      'The xlsx file expands to more than 2 MB uncompressed, the limit; split it into smaller files',
    );
  });

  it('refuses a shared-strings table larger than exceljs can hold in the worker, naming the way out', async () => {
    const file = zipArchive([storedPart('xl/workbook.xml', '<workbook/>'), await deflatedRepeat('xl/sharedStrings.xml', 3)]);
    const limits = { ...IMPORT_LIMITS, maxSharedStringsBytes: 2 * 1024 * 1024, maxCompressionRatio: 1e9 };
    await expect(inspect(file, limits)).rejects.toThrow("The xlsx file's shared-strings table is 3 MB; at most 2 MB can be read. Split the file, or save it as CSV");
    // The same bytes as a worksheet are fine: only the shared-strings table is held in memory.
    const inline = zipArchive([storedPart('xl/workbook.xml', '<workbook/>'), await deflatedRepeat('xl/worksheets/sheet1.xml', 3)]);
    await expect(inspect(inline, limits)).resolves.toMatchObject({ entries: expect.any(Array) });
  });

  it('refuses a zip that is not a workbook, and too many entries', async () => {
    await expect(inspect(zipArchive([storedPart('readme.txt', 'hello')]))).rejects.toThrow('The file is a zip archive but not an xlsx workbook');
    const many = zipArchive(Array.from({ length: 12 }, (_, i) => storedPart(`f${i}`, 'x')));
    await expect(inspect(many, { ...IMPORT_LIMITS, maxZipEntries: 10 })).rejects.toThrow('The xlsx file holds 12 parts; at most 10 are accepted');
  });
});
