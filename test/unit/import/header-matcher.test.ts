import { describe, expect, it } from 'vitest';
import { contactColumns } from '../../../lambdas/catalog/contacts-import';
import { matchHeaders, normaliseHeader } from '../../../lambdas/formats/header-matcher';

describe('header matching', () => {
  it('normalises case, spaces, underscores, hyphens and dots', () => {
    expect(normaliseHeader(' E-Mail_Address ')).toBe('emailaddress');
    expect(normaliseHeader('Country  Code')).toBe('countrycode');
    expect(normaliseHeader('ＮＡＭＥ')).toBe('name');
  });

  it('matches keys, headers and aliases in any order and lists unknown headers', () => {
    const match = matchHeaders(['notes', 'E-mail', 'country_code', 'FULL NAME', '', 'DOB', 42], contactColumns);
    expect(match.matched.map((m) => [m.column.key, m.index, m.header])).toEqual([
      ['email', 1, 'E-mail'],
      ['countryCode', 2, 'country_code'],
      ['name', 3, 'FULL NAME'],
      ['birthDate', 5, 'DOB'],
    ]);
    expect(match.ignored).toEqual(['notes', '42']);
  });

  it('names every missing required column', () => {
    expect(() => matchHeaders(['phone', 'country'], contactColumns)).toThrow('Missing required columns: Name, Email');
    expect(() => matchHeaders(['name'], contactColumns)).toThrow('Missing required columns: Email');
  });

  it('refuses two headers for the same column', () => {
    expect(() => matchHeaders(['name', 'email', 'Mail'], contactColumns)).toThrow('The columns "email" and "Mail" both mean Email');
  });
});
