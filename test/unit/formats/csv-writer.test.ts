import { PassThrough, Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { generateOrders, orderColumns, ordersParams } from '../../../lambdas/catalog/orders-export';
import type { CellValue, Column } from '../../../lambdas/catalog/types';
import { createCsvWriter, type CsvWriterOptions } from '../../../lambdas/formats/csv-writer';
import { collector } from './streams';

const BOM = '\uFEFF';

async function csv(columns: readonly Column[], rows: CellValue[][], options?: CsvWriterOptions): Promise<string> {
  const sink = collector();
  const writer = createCsvWriter(sink.stream, columns, options);
  for (const row of rows) if (!writer.write(row)) await writer.drained();
  const result = await writer.finish();
  expect(result).toEqual({ rows: rows.length, sheets: 1 });
  return sink.bytes().toString('utf8');
}

const text: Column[] = [
  { key: 'a', header: 'A', type: 'string' },
  { key: 'b', header: 'B', type: 'string' },
];

describe('CSV writer', () => {
  it('starts with a UTF-8 BOM and the header row, ends lines with CRLF', async () => {
    const out = await csv(text, [['x', 'y']]);
    expect(out.startsWith(BOM)).toBe(true);
    expect(out).toBe(`${BOM}A,B\r\nx,y\r\n`);
    expect(Buffer.from(out, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('omits the BOM on request', async () => {
    expect(await csv(text, [], { bom: false })).toBe('A,B\r\n');
  });

  it('quotes fields with commas, quotes, CR or LF and doubles inner quotes (RFC 4180)', async () => {
    const out = await csv(text, [
      ['a,b', 'say "hi"'],
      ['line1\nline2', 'cr\rhere'],
      ['plain', ''],
    ]);
    expect(out).toBe(`${BOM}A,B\r\n"a,b","say ""hi"""\r\n"line1\nline2","cr\rhere"\r\nplain,\r\n`);
  });

  it("neutralises string cells that start with = + - @ tab or CR with a leading '", async () => {
    const out = await csv(text, [
      ['=1+1', '+1 555'],
      ['-fragile-', '@home'],
      ['\tTab', '\rCR'],
      ['=HYPERLINK("http://x")', 'a=b'],
    ]);
    expect(out.split('\r\n').slice(1, -1)).toEqual([
      "'=1+1,'+1 555",
      "'-fragile-,'@home",
      "'\tTab,\"'\rCR\"",
      `"'=HYPERLINK(""http://x"")",a=b`,
    ]);
  });

  it('leaves formula-looking strings alone when the export type opts out', async () => {
    const out = await csv(text, [['=1+1', '-x']], { neutraliseFormulas: false });
    expect(out).toBe(`${BOM}A,B\r\n=1+1,-x\r\n`);
  });

  it('neutralises headers too', async () => {
    const out = await csv([{ key: 'a', header: '=A', type: 'string' }], []);
    expect(out).toBe(`${BOM}'=A\r\n`);
  });

  it('writes numbers untouched: a negative number stays negative', async () => {
    const columns: Column[] = [
      { key: 'i', header: 'I', type: 'integer' },
      { key: 'n', header: 'N', type: 'number' },
      { key: 'c', header: 'C', type: 'currency' },
      { key: 's', header: 'S', type: 'string' },
    ];
    const out = await csv(columns, [
      [-5, -0.25, 1234.5, -7],
      [0, Number.NaN, Number.POSITIVE_INFINITY, 3],
    ]);
    expect(out).toBe(`${BOM}I,N,C,S\r\n-5,-0.25,1234.5,-7\r\n0,,,3\r\n`);
  });

  it('formats dates as YYYY-MM-DD, datetimes as UTC ISO 8601 without millis, booleans, nulls', async () => {
    const columns: Column[] = [
      { key: 'd', header: 'D', type: 'date' },
      { key: 't', header: 'T', type: 'datetime' },
      { key: 'b', header: 'B', type: 'boolean' },
      { key: 'x', header: 'X', type: 'string' },
    ];
    const instant = new Date(Date.UTC(2026, 0, 2, 23, 30, 45, 678));
    const out = await csv(columns, [
      [instant, instant, true, null],
      [new Date('2026-02-28'), new Date('2026-02-28T00:00:00Z'), false, null],
      [null, new Date(Number.NaN), null, null],
    ]);
    expect(out.split('\r\n').slice(1)).toEqual([
      '2026-01-02,2026-01-02T23:30:45Z,true,',
      '2026-02-28,2026-02-28T00:00:00Z,false,',
      ',,,',
      '',
    ]);
  });

  it('writes missing trailing cells as empty fields', async () => {
    expect(await csv(text, [['only']])).toBe(`${BOM}A,B\r\nonly,\r\n`);
  });

  it('round-trips orders through csv-parse', async () => {
    const params = ordersParams.parse({ rows: 2000, seed: 7 });
    const out = await csv(orderColumns, [...generateOrders(params)]);
    const records = parse(out, { bom: true, record_delimiter: '\r\n' }) as string[][];
    expect(records[0]).toEqual(orderColumns.map((c) => c.header));
    const expected = [...generateOrders(params)].map((row) =>
      row.map((cell, i) => {
        const type = orderColumns[i]!.type;
        if (cell instanceof Date) return cell.toISOString().replace('.000Z', 'Z');
        if (typeof cell === 'string' && type === 'string' && /^[=+\-@\t\r]/.test(cell)) return `'${cell}`;
        return String(cell);
      }),
    );
    expect(records.slice(1)).toEqual(expected);
    // The generator does produce formula-looking notes, so neutralisation was exercised.
    expect(expected.some((row) => row[9]!.startsWith("'="))).toBe(true);
    expect(expected.some((row) => row[9]!.includes(','))).toBe(true);
  });

  it('signals backpressure and completes with a slow consumer', async () => {
    const fast = collector();
    const slow = collector({ delayMs: 1, highWaterMark: 1024 });
    const rows = [...generateOrders(ordersParams.parse({ rows: 5000 }))];
    const reference = createCsvWriter(fast.stream, orderColumns);
    for (const row of rows) reference.write(row);
    await reference.finish();

    const writer = createCsvWriter(slow.stream, orderColumns, { chunkSize: 4096 });
    let refused = 0;
    for (const row of rows) {
      if (!writer.write(row)) {
        refused++;
        await writer.drained();
      }
    }
    expect(refused).toBeGreaterThan(0);
    await writer.finish();
    expect(slow.bytes().equals(fast.bytes())).toBe(true);
  });

  it('finish() resolves only once a piped consumer has everything', async () => {
    const out = new PassThrough({ highWaterMark: 256 });
    const chunks: Buffer[] = [];
    const consumed = (async () => {
      for await (const chunk of out) {
        chunks.push(chunk as Buffer);
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const writer = createCsvWriter(out, text, { chunkSize: 512 });
    for (let i = 0; i < 2000; i++) if (!writer.write([`row ${i}`, 'x'])) await writer.drained();
    await writer.finish();
    await consumed;
    const lines = Buffer.concat(chunks).toString('utf8').split('\r\n');
    expect(lines).toHaveLength(2002);
    expect(lines[2000]).toBe('row 1999,x');
  });

  it('rejects instead of hanging when the output fails', async () => {
    const failing = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, callback) {
        setTimeout(() => callback(new Error('disk full')), 1);
      },
    });
    const writer = createCsvWriter(failing, text, { chunkSize: 64 });
    let error: unknown;
    try {
      for (let i = 0; i < 1000; i++) if (!writer.write([`row ${i}`, 'x'])) await writer.drained();
      await writer.finish();
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toBe('disk full');
    expect(() => writer.write(['a', 'b'])).toThrow('disk full');
    await expect(writer.finish()).rejects.toThrow('disk full');
  });

  it('rejects drained() when the output is destroyed while full', async () => {
    const stuck = new Writable({ highWaterMark: 16, write() {} });
    const writer = createCsvWriter(stuck, text, { chunkSize: 1 });
    expect(writer.write(['a long enough cell', 'to fill the buffer'])).toBe(false);
    const waiting = writer.drained();
    stuck.destroy();
    await expect(waiting).rejects.toThrow(/closed/);
  });
});
