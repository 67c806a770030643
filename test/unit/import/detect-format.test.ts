import { describe, expect, it } from 'vitest';
import { detectDelimiter, detectFormat } from '../../../lambdas/formats/detect-format';

describe('format detection by content', () => {
  it('a zip signature is xlsx whatever the name; text is csv', () => {
    expect(detectFormat(Buffer.from('PK\x03\x04rest', 'latin1'))).toBe('xlsx');
    expect(detectFormat(Buffer.from('name,email\n'))).toBe('csv');
    expect(detectFormat(Buffer.from('\uFEFFnäme;email\n'))).toBe('csv');
  });
  it('a UTF-8 character cut at the end of the probe is fine', () => {
    expect(detectFormat(Buffer.from('name,é').subarray(0, 6))).toBe('csv');
  });
  it('refuses binary garbage, non-UTF-8 text, UTF-16 and old .xls', () => {
    expect(() => detectFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1]))).toThrow('The file is neither an xlsx workbook nor a UTF-8 CSV');
    expect(() => detectFormat(Buffer.from('Jos\xe9,a\n', 'latin1'))).toThrow('neither an xlsx workbook nor a UTF-8 CSV');
    expect(() => detectFormat(Buffer.from('\uFEFFname', 'utf16le'))).toThrow('neither an xlsx workbook nor a UTF-8 CSV');
    expect(() => detectFormat(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]))).toThrow(/\.xls/);
    expect(() => detectFormat(Buffer.alloc(0))).toThrow('The file is empty');
  });
});

describe('delimiter detection from the header line', () => {
  it.each([
    ['name,email,phone\r\n', ','],
    ['name;email;phone\n', ';'],
    ['name\temail\tphone\n', '\t'],
    ['\uFEFFname;email\n', ';'],
    ['"last, first";email;phone\n', ';'],
    ['name\n', ','],
    ['a,b;c\n1;2;3;4', ','],
    ['name;email\na,b,c,d,e\n', ';'],
  ])('%j → %j', (text, expected) => {
    expect(detectDelimiter(text)).toBe(expected);
  });
});
