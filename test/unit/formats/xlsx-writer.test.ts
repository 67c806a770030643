import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { generateOrders, orderColumns, ordersParams } from '../../../lambdas/catalog/orders-export';
import type { CellValue, Column } from '../../../lambdas/catalog/types';
import { createXlsxWriter, type XlsxWriterOptions } from '../../../lambdas/formats/xlsx-writer';
import { collector } from './streams';

async function xlsx(columns: readonly Column[], rows: Iterable<CellValue[]>, options?: XlsxWriterOptions): Promise<Buffer> {
  const sink = collector();
  const writer = createXlsxWriter(sink.stream, columns, options);
  for (const row of rows) if (!writer.write(row)) await writer.drained();
  await writer.finish();
  return sink.bytes();
}

async function load(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

/** A cell as the writer should have stored it: empty strings and nulls leave no cell. */
function expected(value: CellValue): CellValue {
  return value === '' ? null : value;
}

const idColumns: Column[] = [
  { key: 'id', header: 'ID', type: 'integer' },
  { key: 'label', header: 'Label', type: 'string' },
];
const idRows = (n: number): CellValue[][] => Array.from({ length: n }, (_, i) => [i + 1, `row ${i + 1}`]);

describe('XLSX writer', () => {
  it('writes every orders cell so that exceljs reads back the generator rows', async () => {
    const params = ordersParams.parse({ rows: 500, seed: 3 });
    const bytes = await xlsx(orderColumns, generateOrders(params));
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');

    const workbook = await load(bytes);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Data']);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(501);
    expect(sheet.getRow(1).values).toEqual([undefined, ...orderColumns.map((c) => c.header)]);

    let r = 2;
    for (const row of generateOrders(params)) {
      const actual = sheet.getRow(r++);
      row.forEach((value, i) => {
        const cell = actual.getCell(i + 1).value;
        if (value instanceof Date) {
          expect(cell).toBeInstanceOf(Date);
          expect((cell as Date).getTime()).toBe(value.getTime());
        } else {
          expect(cell ?? null).toEqual(expected(value));
        }
      });
    }
    // Formula-looking text stays text in xlsx: no neutralisation prefix, no formula.
    const notes = Array.from({ length: 500 }, (_, i) => sheet.getRow(i + 2).getCell(10).value);
    expect(notes).toContain('=HYPERLINK("http://x")');
  });

  it('styles the header, freezes it, sets widths and number formats', async () => {
    const columns: Column[] = [
      { key: 's', header: 'Text', type: 'string' },
      { key: 'i', header: 'Integer', type: 'integer' },
      { key: 'n', header: 'Number', type: 'number', width: 17 },
      { key: 'c', header: 'Currency', type: 'currency' },
      { key: 'd', header: 'Date', type: 'date' },
      { key: 't', header: 'Datetime', type: 'datetime' },
      { key: 'b', header: 'Boolean', type: 'boolean' },
    ];
    const when = new Date(Date.UTC(2026, 4, 6, 7, 8, 9));
    const workbook = await load(await xlsx(columns, [['x', -5, 1.5, 9.99, when, when, true]]));
    const sheet = workbook.worksheets[0]!;

    sheet.getRow(1).eachCell((cell) => expect(cell.font?.bold).toBe(true));
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(columns.map((_, i) => sheet.getColumn(i + 1).width)).toEqual([20, 10, 17, 14, 12, 20, 9.01]);

    const data = sheet.getRow(2);
    expect(columns.map((_, i) => data.getCell(i + 1).numFmt ?? null)).toEqual([
      null,
      '#,##0',
      '#,##0.00',
      '#,##0.00',
      'yyyy-mm-dd',
      'yyyy-mm-dd hh:mm:ss',
      null,
    ]);
    expect(data.getCell(2).value).toBe(-5);
    expect(data.getCell(7).value).toBe(true);
  });

  it('round-trips datetimes exactly and stores date columns as the UTC day', async () => {
    const columns: Column[] = [
      { key: 't', header: 'T', type: 'datetime' },
      { key: 'd', header: 'D', type: 'date' },
    ];
    const instants = [
      new Date('2026-03-04T05:06:07.123Z'),
      new Date('1970-01-01T00:00:00Z'),
      new Date('1900-03-01T12:00:00Z'),
      new Date('2099-12-31T23:59:59Z'),
      new Date('2026-10-25T01:30:00Z'),
    ];
    const sheet = (await load(await xlsx(columns, instants.map((d) => [d, d])))).worksheets[0]!;
    instants.forEach((instant, i) => {
      const row = sheet.getRow(i + 2);
      expect((row.getCell(1).value as Date).toISOString()).toBe(instant.toISOString());
      expect((row.getCell(2).value as Date).toISOString()).toBe(`${instant.toISOString().slice(0, 10)}T00:00:00.000Z`);
    });
  });

  it('leaves empty cells out and drops values exceljs cannot serialise', async () => {
    const columns: Column[] = [
      { key: 'n', header: 'N', type: 'number' },
      { key: 't', header: 'T', type: 'datetime' },
      { key: 's', header: 'S', type: 'string' },
    ];
    const sheet = (
      await load(await xlsx(columns, [[Number.NaN, new Date(Number.NaN), null], [1, null, 'bell\u0007']]))
    ).worksheets[0]!;
    expect(sheet.getRow(2).cellCount).toBe(0);
    expect(sheet.getRow(3).getCell(1).value).toBe(1);
    expect(sheet.getRow(3).getCell(2).value).toBeNull();
    // Control characters are not allowed in XML: exceljs strips them rather than corrupting the file.
    expect(sheet.getRow(3).getCell(3).value).toBe('bell');
  });

  it('starts a new sheet with its own header every maxRowsPerSheet rows', async () => {
    const bytes = await xlsx(idColumns, idRows(25), { maxRowsPerSheet: 10 });
    const workbook = await load(bytes);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Data', 'Data 2', 'Data 3']);
    const counts = workbook.worksheets.map((w) => w.rowCount);
    expect(counts).toEqual([11, 11, 6]);
    let id = 1;
    for (const sheet of workbook.worksheets) {
      expect(sheet.getRow(1).values).toEqual([undefined, 'ID', 'Label']);
      expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
      for (let r = 2; r <= sheet.rowCount; r++) {
        expect(sheet.getRow(r).values).toEqual([undefined, id, `row ${id}`]);
        id++;
      }
    }
    expect(id).toBe(26);
  });

  it('reports rows and sheets; no empty sheet when the rows fill the last one exactly', async () => {
    const run = async (n: number) => {
      const writer = createXlsxWriter(collector().stream, idColumns, { maxRowsPerSheet: 10, sheetName: 'Orders' });
      for (const row of idRows(n)) writer.write(row);
      return writer.finish();
    };
    expect(await run(20)).toEqual({ rows: 20, sheets: 2 });
    expect(await run(21)).toEqual({ rows: 21, sheets: 3 });
    expect(await run(0)).toEqual({ rows: 0, sheets: 1 });
  });

  it('writes a header-only sheet for an empty export, with a valid sheet name', async () => {
    const workbook = await load(await xlsx(idColumns, [], { sheetName: 'Q1/Q2: [orders]' }));
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Q1 Q2   orders']);
    expect(workbook.worksheets[0]!.rowCount).toBe(1);
  });

  it('rejects an impossible maxRowsPerSheet', () => {
    const out = collector().stream;
    expect(() => createXlsxWriter(out, idColumns, { maxRowsPerSheet: 0 })).toThrow(RangeError);
    expect(() => createXlsxWriter(out, idColumns, { maxRowsPerSheet: 1_048_576 })).toThrow(RangeError);
  });

  it('signals backpressure from the sheet XML buffer even when the output never pushes back', async () => {
    // The memory case: a fast output never needs draining, yet exceljs piles up sheet XML in front of
    // the zip unless we wait on its internal buffer. This fails if an exceljs upgrade moves that buffer.
    const sink = collector();
    const writer = createXlsxWriter(sink.stream, orderColumns);
    let refused = 0;
    for (const row of generateOrders(ordersParams.parse({ rows: 5000 }))) {
      if (!writer.write(row)) {
        refused++;
        expect(sink.stream.writableNeedDrain).toBe(false);
        await writer.drained();
      }
    }
    expect(refused).toBeGreaterThan(10);
    await writer.finish();
  });

  it('completes with a slow consumer and signals backpressure', async () => {
    const sink = collector({ delayMs: 1, highWaterMark: 1024 });
    const writer = createXlsxWriter(sink.stream, orderColumns);
    const params = ordersParams.parse({ rows: 5000 });
    let refused = 0;
    for (const row of generateOrders(params)) {
      if (!writer.write(row)) {
        refused++;
        await writer.drained();
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(await writer.finish()).toEqual({ rows: 5000, sheets: 1 });
    const sheet = (await load(sink.bytes())).worksheets[0]!;
    expect(sheet.rowCount).toBe(5001);
    expect(sheet.getRow(5001).getCell(1).value).toBe('ORD-00005000');
  });

  it('finishes into a PassThrough read slowly by another consumer (exceljs issue 2200)', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    const consumed = (async () => {
      for await (const chunk of out) {
        chunks.push(chunk as Buffer);
        await sleep(2);
      }
    })();
    const writer = createXlsxWriter(out, idColumns, { maxRowsPerSheet: 1500 });
    for (const row of idRows(4000)) if (!writer.write(row)) await writer.drained();
    expect(await writer.finish()).toEqual({ rows: 4000, sheets: 3 });
    await consumed;
    const workbook = await load(Buffer.concat(chunks));
    expect(workbook.worksheets.map((w) => w.rowCount)).toEqual([1501, 1501, 1001]);
  });

  it('holds the producer while the consumer is stalled and resumes when it reads', async () => {
    // Nobody reads `out` at first: without backpressure every row would be accepted into memory.
    const out = new PassThrough();
    const writer = createXlsxWriter(out, orderColumns);
    const rows = generateOrders(ordersParams.parse({ rows: 30_000 }));
    let accepted = 0;
    let pending: Promise<void> | undefined;
    // Step the generator by hand: breaking out of for...of would close it.
    for (let next = rows.next(); !next.done; next = rows.next()) {
      const row = next.value;
      accepted++;
      if (!writer.write(row)) {
        const waiting = writer.drained();
        const outcome = await Promise.race([waiting.then(() => 'drained'), sleep(300).then(() => 'stalled')]);
        if (outcome === 'stalled') {
          pending = waiting;
          break;
        }
      }
    }
    expect(pending).toBeDefined();
    // Only what fits the sheet, zip and output buffers was accepted (about a thousand rows here).
    expect(accepted).toBeLessThan(10_000);

    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    await pending;
    for (const row of rows) if (!writer.write(row)) await writer.drained();
    expect(await writer.finish()).toEqual({ rows: 30_000, sheets: 1 });
    const sheet = (await load(Buffer.concat(chunks))).worksheets[0]!;
    expect(sheet.rowCount).toBe(30_001);
    expect(sheet.getRow(30_001).getCell(1).value).toBe('ORD-00030000');
  });

  it('rejects instead of hanging when the output fails', async () => {
    let written = 0;
    const failing = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        setTimeout(() => callback(written > 64 * 1024 ? new Error('upload failed') : null), 1);
      },
    });
    const writer = createXlsxWriter(failing, orderColumns);
    let error: unknown;
    try {
      for (const row of generateOrders(ordersParams.parse({ rows: 50_000 }))) {
        if (!writer.write(row)) await writer.drained();
      }
      await writer.finish();
    } catch (e) {
      error = e;
    }
    expect((error as Error | undefined)?.message).toBe('upload failed');
    await expect(writer.finish()).rejects.toThrow('upload failed');
  });

  it('fails instead of hanging when the consumer gives up without an error', async () => {
    const out = new PassThrough();
    let seen = 0;
    out.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > 32 * 1024) out.destroy();
    });
    const writer = createXlsxWriter(out, orderColumns);
    const run = async () => {
      for (const row of generateOrders(ordersParams.parse({ rows: 100_000 }))) {
        if (!writer.write(row)) await writer.drained();
      }
      await writer.finish();
    };
    await expect(run()).rejects.toThrow(/closed/);
  });

  it('rejects finish() when the output is destroyed before it finished', async () => {
    const out = new PassThrough();
    const writer = createXlsxWriter(out, idColumns);
    writer.write([1, 'a']);
    const finishing = writer.finish();
    out.destroy();
    await expect(finishing).rejects.toThrow();
  });
});
