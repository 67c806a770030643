/**
 * Issue 3 through the local stack: presigned upload to fauxqs, the worker streaming and validating the file,
 * the JSON Lines sink in S3, the error report through result.errorReportUrl. Real redis-server and fauxqs.
 */
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../dev/local-stack';
import { reportKey, sinkKey, uploadKey } from '../../lambdas/core/object-keys';
import { apiClient } from '../support/api-client';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { messageFor } from '../../lambdas/core/message';
import { createImport, csvText, importFile, jsonLines, putUpload, readObject, startImport, xlsxFile, zipBomb } from '../support/import-files';
import { openMultipartUploads } from '../support/s3-objects';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0 });
});
afterAll(async () => {
  await stack?.stop();
});

const HEADER = ['Name', 'Email', 'Phone', 'Country code', 'Birth date'];
type Row = (string | number | Date | null)[];
/** 6 valid rows, 4 invalid ones (each with a known reason). */
const VALID: Row[] = [
  ['Ada Lovelace', 'ada@example.com', '+44 20 7946 0958', 'gb', '1815-12-10'],
  ['Grace Hopper', 'grace@example.com', '(212) 555-0100', 'US', '1906-12-09'],
  ['Alan Turing', 'alan@example.com', null, null, null],
  ['  Edsger Dijkstra ', 'edsger@example.com', '0031 20 555 0100', 'NL', '1930-05-11'],
  ['Barbara Liskov', 'barbara@example.com', '617-555-0100', 'us', '1939-11-07'],
  ['Zoë Müller', 'zoe@example.com', '+49 30 123456', 'DE', '1990-02-28'],
];
const INVALID: { row: Row; column: string; message: RegExp }[] = [
  { row: ['Bad Email', 'not-an-email', null, null, null], column: 'Email', message: /email address/ },
  { row: [null, 'noname@example.com', null, null, null], column: 'Name', message: /required/ },
  { row: ['Bad Country', 'c@example.com', null, 'XQ', null], column: 'Country code', message: /country code/ },
  { row: ['Short Phone', 'f@example.com', '12-34', null, null], column: 'Phone', message: /6 to 20 digits/ },
];
// 1815 is before 1900: Ada is not valid after all, fix her birth date.
VALID[0]![4] = '1915-12-10';

/** Valid and invalid rows interleaved; returns the file rows and the file row numbers (header = 1) of the invalid ones. */
function mixedRows(): { rows: Row[]; invalidAt: number[] } {
  const rows: Row[] = [];
  const invalidAt: number[] = [];
  for (let i = 0; i < VALID.length; i++) {
    rows.push(VALID[i]!);
    const bad = INVALID[i];
    if (bad) {
      rows.push(bad.row);
      invalidAt.push(rows.length + 1);
    }
  }
  return { rows, invalidAt };
}

const expectedContacts = () =>
  VALID.map(([name, email, phone, country, birth]) => {
    const out: Record<string, string> = { name: String(name).trim(), email: String(email) };
    if (phone) out.phone = String(phone);
    if (country) out.countryCode = String(country).toUpperCase();
    if (birth) out.birthDate = String(birth);
    return out;
  });

async function download(url: string): Promise<Buffer> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('import end to end', () => {
  it('imports a csv with valid and invalid rows: exact counts, the sink holds the valid rows, the report lists the rest', async () => {
    const api = apiClient(stack.url, 'imp-csv');
    const { rows, invalidAt } = mixedRows();
    const { created, task } = await importFile(api, 'contacts', 'contacts.csv', csvText(HEADER, rows, { bom: true }));
    expect(created).toMatchObject({ kind: 'import', type: 'contacts', format: 'csv', phase: 'awaiting_upload', fileName: 'contacts.csv' });
    expect(task).toMatchObject({
      phase: 'succeeded',
      state: true,
      message: 'Imported 6 rows; 4 rejected',
      result: { total: 10, imported: 6, rejected: 4, dryRun: false },
      progress: { processed: 10 },
    });
    expect(jsonLines(await readObject(stack.s3, stack.bucket, sinkKey('imp-csv', task.id)))).toEqual(expectedContacts());

    const reportUrl = new URL(task.result.errorReportUrl);
    expect(reportUrl.searchParams.get('response-content-disposition')).toContain('contacts-errors.csv');
    const records: string[][] = parse(await download(task.result.errorReportUrl), { bom: true });
    expect(records[0]).toEqual(['Row', 'Column', 'Value', 'Error']);
    const lines = records.slice(1);
    expect(lines.map((l) => Number(l[0]))).toEqual(invalidAt);
    INVALID.forEach((bad, i) => {
      expect(lines[i]![1]).toBe(bad.column);
      expect(lines[i]![3]).toMatch(bad.message);
    });
    expect(lines[0]![2]).toBe('not-an-email');
    expect(lines[3]![2]).toBe('12-34');
    expect(lines[2]![2]).toBe('XQ');
  });

  it('imports an xlsx (date cells, numbers) and offers an annotated copy of the rejected rows', async () => {
    const api = apiClient(stack.url, 'imp-xlsx');
    const { rows, invalidAt } = mixedRows();
    // Birth dates as real date cells, one phone as a number cell.
    const cells = rows.map((r) => r.map((c, i) => (i === 4 && typeof c === 'string' ? new Date(`${c}T00:00:00Z`) : c)));
    cells[2]![2] = 2125550100;
    const { task } = await importFile(api, 'contacts', 'My contacts.xlsx', await xlsxFile(HEADER, cells));
    expect(task).toMatchObject({ phase: 'succeeded', format: 'xlsx', result: { total: 10, imported: 6, rejected: 4, dryRun: false } });
    const contacts = expectedContacts();
    contacts[1]!.phone = '2125550100';
    expect(jsonLines(await readObject(stack.s3, stack.bucket, sinkKey('imp-xlsx', task.id)))).toEqual(contacts);

    expect(new URL(task.result.errorReportUrl).searchParams.get('response-content-disposition')).toContain('My%20contacts-errors.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download(task.result.errorReportUrl)) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...HEADER, 'Errors']);
    expect(sheet.rowCount).toBe(1 + INVALID.length);
    INVALID.forEach((bad, i) => {
      const values = (sheet.getRow(i + 2).values as unknown[]).slice(1);
      // The user's own cells, as they were (dates as YYYY-MM-DD so the file imports again as it is).
      bad.row.forEach((cell, c) => expect(values[c] ?? null).toBe(cell));
      const errors = String(values[5]);
      expect(errors).toContain(`Row ${invalidAt[i]}:`);
      expect(errors).toContain(bad.column);
      expect(errors).toMatch(bad.message);
    });
  });

  it('matches headers through aliases, case and spacing, in any order, and ignores unknown columns', async () => {
    const api = apiClient(stack.url, 'imp-alias');
    const header = ['E_MAIL', 'notes', ' full  name ', 'DOB', 'country'];
    const rows = [
      ['x@example.com', 'hello', 'X Person', '2000-01-31', 'fr'],
      ['y@example.com', '', 'Y Person', '', ''],
    ];
    const { task } = await importFile(api, 'contacts', 'people.csv', csvText(header, rows, { delimiter: ';' }));
    expect(task).toMatchObject({ phase: 'succeeded', result: { total: 2, imported: 2, rejected: 0, errorReportUrl: null } });
    expect(task.message).toBe('Imported 2 rows; 0 rejected. Ignored columns: "notes"');
    expect(jsonLines(await readObject(stack.s3, stack.bucket, sinkKey('imp-alias', task.id)))).toEqual([
      { name: 'X Person', email: 'x@example.com', countryCode: 'FR', birthDate: '2000-01-31' },
      { name: 'Y Person', email: 'y@example.com' },
    ]);
  });

  it('fails the task with the missing required columns named', async () => {
    const api = apiClient(stack.url, 'imp-missing');
    const { task } = await importFile(api, 'contacts', 'x.xlsx', await xlsxFile(['Phone', 'Country'], [['123456', 'DE']]));
    expect(task).toMatchObject({ phase: 'failed', state: false, message: 'Missing required columns: Name, Email' });
    expect(await readObject(stack.s3, stack.bucket, sinkKey('imp-missing', task.id))).toBeNull();
  });

  it('dry run validates and reports but writes nothing to the sink', async () => {
    const api = apiClient(stack.url, 'imp-dry');
    const { rows } = mixedRows();
    const { task } = await importFile(api, 'contacts', 'dry.csv', csvText(HEADER, rows), { dryRun: true });
    expect(task).toMatchObject({ phase: 'succeeded', message: 'Dry run: 6 rows would be imported; 4 rejected', result: { total: 10, imported: 6, rejected: 4, dryRun: true } });
    expect(task.result.errorReportUrl).toEqual(expect.any(String));
    expect(await readObject(stack.s3, stack.bucket, sinkKey('imp-dry', task.id))).toBeNull();
  });

  it('rejects ragged csv rows with their row number and imports the rest', async () => {
    const api = apiClient(stack.url, 'imp-ragged');
    const text = 'name,email\r\nA,a@example.com\r\nB\r\nC,c@example.com,extra\r\nD,d@example.com,\r\n';
    const { task } = await importFile(api, 'contacts', 'ragged.csv', text);
    expect(task).toMatchObject({ phase: 'succeeded', result: { total: 4, imported: 2, rejected: 2 } });
    const records: string[][] = parse(await download(task.result.errorReportUrl), { bom: true });
    expect(records.slice(1)).toEqual([
      ['3', '', '', 'expected 2 columns, found 1'],
      ['4', '', '', 'expected 2 columns, found 3'],
    ]);
  });

  const failures: { name: string; fileName: string; body: () => Promise<Buffer> | Buffer; message: string | RegExp }[] = [
    { name: 'garbage bytes', fileName: 'x.csv', body: () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3, 0xff]), message: 'The file is neither an xlsx workbook nor a UTF-8 CSV' },
    { name: 'an xlsx name on a non-UTF-8 text file', fileName: 'x.xlsx', body: () => Buffer.from('name,email\nJos\xe9,j@example.com\n', 'latin1'), message: 'The file is neither an xlsx workbook nor a UTF-8 CSV' },
    { name: 'a truncated xlsx', fileName: 'x.xlsx', body: async () => (await xlsxFile(HEADER, mixedRows().rows)).subarray(0, 2000), message: 'The xlsx file is damaged or truncated' },
    { name: 'a zip bomb', fileName: 'bomb.xlsx', body: () => zipBomb(200), message: /zip bomb/ },
    { name: 'an unclosed quote', fileName: 'x.csv', body: () => Buffer.from('name,email\r\n"A,a@example.com\r\nB,b@example.com\r\n'), message: /^The CSV file is malformed.*Quote Not Closed/ },
    { name: 'a header without data', fileName: 'x.csv', body: () => Buffer.from('name,email\r\n'), message: 'The file has a header row but no data rows; nothing was imported' },
  ];
  for (const f of failures) {
    it(`ends clearly on ${f.name}`, async () => {
      const api = apiClient(stack.url, `imp-fail-${f.name.replace(/\W+/g, '-')}`);
      const started = Date.now();
      const { task } = await importFile(api, 'contacts', f.fileName, await f.body());
      if (typeof f.message === 'string') expect(task.message).toBe(f.message);
      else expect(task.message).toMatch(f.message);
      expect(task.phase).toBe(f.name === 'a header without data' ? 'succeeded' : 'failed');
      expect(Date.now() - started).toBeLessThan(30_000);
    });
  }

  it('one row with several problems gets one report line per problem', async () => {
    const api = apiClient(stack.url, 'imp-multi');
    const { task } = await importFile(api, 'contacts', 'm.csv', csvText(HEADER, [['Future Born', 'f@example', 'call me', 'X', '2999-01-01']]));
    expect(task).toMatchObject({ phase: 'succeeded', result: { total: 1, imported: 0, rejected: 1 } });
    const records: string[][] = parse(await download(task.result.errorReportUrl), { bom: true });
    expect(records.slice(1)).toEqual([
      ['2', 'Email', 'f@example', 'must be an email address'],
      ['2', 'Phone', 'call me', 'may contain only digits, spaces, +, - and parentheses'],
      ['2', 'Country code', 'X', 'must be a two-letter ISO 3166-1 country code, like DE or US'],
      ['2', 'Birth date', '2999-01-01', 'must not be in the future'],
    ]);
  });

  it('an empty file: size 0 cannot be declared (400), an empty upload is refused at start, the worker fails an empty object', async () => {
    const api = apiClient(stack.url, 'imp-empty');
    const zero = await createImport(api, { type: 'contacts', fileName: 'e.csv', size: 0 });
    expect(zero.status).toBe(400);
    expect(zero.body.error.details[0].field).toBe('size');

    const created = await createImport(api, { type: 'contacts', fileName: 'e.csv', size: 1 });
    expect(await putUpload(created.body.upload, '')).toBe(200);
    const started = await startImport(api, created.body.id);
    expect(started.status).toBe(409);
    expect(started.body.error.code).toBe('upload_size_mismatch');

    // As if the empty object had slipped through (a replayed message): the worker ends the task clearly.
    const key = uploadKey('imp-empty', created.body.id);
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: '' }));
    const queued = await stack.deps.store.markQueued('imp-empty', created.body.id, Date.now());
    await stack.deps.queue.send(messageFor(queued!));
    const task = await api.waitFor(created.body.id);
    expect(task).toMatchObject({ phase: 'failed', message: 'The file is empty' });
  });

  it('imports 200,000 csv rows through the local stack', async () => {
    const api = apiClient(stack.url, 'imp-big');
    const lines = ['Name,Email,Country code'];
    for (let i = 0; i < 200_000; i++) lines.push(i % 1000 === 999 ? `Person ${i},broken-${i},DE` : `Person ${i},p${i}@example.com,DE`);
    const { task } = await importFile(api, 'contacts', 'big.csv', `${lines.join('\n')}\n`, { timeoutMs: 120_000 });
    expect(task).toMatchObject({ phase: 'succeeded', result: { total: 200_000, imported: 199_800, rejected: 200 }, progress: { processed: 200_000 } });
    const sink = await readObject(stack.s3, stack.bucket, sinkKey('imp-big', task.id));
    expect(sink!.toString('utf8').split('\n').filter(Boolean)).toHaveLength(199_800);
    expect(await readObject(stack.s3, stack.bucket, reportKey('imp-big', task.id, 'csv'))).not.toBeNull();
    expect(await openMultipartUploads(stack.s3, stack.bucket)).toBe(0);
  }, 120_000);
});
