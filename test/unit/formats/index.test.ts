import { describe, expect, it } from 'vitest';
import type { Column } from '../../../lambdas/catalog/types';
import { CONTENT_TYPES, createTableWriter } from '../../../lambdas/formats/index';
import { collector } from './streams';

const columns: Column[] = [{ key: 'a', header: 'A', type: 'string' }];

describe('createTableWriter', () => {
  it('writes CSV for csv, passing the options through', async () => {
    const sink = collector();
    const writer = createTableWriter('csv', sink.stream, columns, { bom: false, neutraliseFormulas: false });
    writer.write(['=x']);
    expect(await writer.finish()).toEqual({ rows: 1, sheets: 1 });
    expect(sink.bytes().toString('utf8')).toBe('A\r\n=x\r\n');
  });

  it('writes a zip (xlsx) for xlsx', async () => {
    const sink = collector();
    const writer = createTableWriter('xlsx', sink.stream, columns, { maxRowsPerSheet: 1 });
    writer.write(['a']);
    writer.write(['b']);
    expect(await writer.finish()).toEqual({ rows: 2, sheets: 2 });
    expect(sink.bytes().subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  });

  it('rejects an unknown format', () => {
    expect(() => createTableWriter('pdf' as 'csv', collector().stream, columns)).toThrow(/Unsupported/);
  });

  it('names the content types', () => {
    expect(CONTENT_TYPES.xlsx).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(CONTENT_TYPES.csv).toMatch(/^text\/csv/);
  });
});
