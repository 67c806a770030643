import { describe, expect, it } from 'vitest';
import { contactRow, isCountryCode } from '../../../lambdas/catalog/contacts-import';

const issues = (input: Record<string, unknown>) => {
  const parsed = contactRow.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const base = { name: 'Ada', email: 'ada@example.com' };

describe('contacts row validation', () => {
  it('accepts a minimal and a full row, normalising country code and dates', () => {
    expect(contactRow.parse(base)).toEqual(base);
    expect(contactRow.parse({ ...base, phone: '+44 (20) 7946-0958', countryCode: 'gb', birthDate: new Date(Date.UTC(1990, 4, 17)) })).toEqual({
      ...base,
      phone: '+44 (20) 7946-0958',
      countryCode: 'GB',
      birthDate: '1990-05-17',
    });
    expect(contactRow.parse({ ...base, phone: 4930123456, birthDate: '1900-01-01' })).toMatchObject({ phone: '4930123456', birthDate: '1900-01-01' });
  });

  it('requires name and email', () => {
    expect(issues({})).toEqual(['name: is required', 'email: is required']);
    expect(issues({ name: 'A', email: 'a@b' })).toEqual(['email: must be an email address']);
  });

  it.each([
    [{ phone: 'call me' }, 'phone: may contain only digits, spaces, +, - and parentheses'],
    [{ phone: '12-34' }, 'phone: must have 6 to 20 digits'],
    [{ phone: '1'.repeat(21) }, 'phone: must have 6 to 20 digits'],
    [{ countryCode: 'XQ' }, 'countryCode: must be a two-letter ISO 3166-1 country code, like DE or US'],
    [{ countryCode: 'DEU' }, 'countryCode: must be a two-letter ISO 3166-1 country code, like DE or US'],
    [{ birthDate: '1899-12-31' }, 'birthDate: must be on or after 1900-01-01'],
    [{ birthDate: '2999-01-01' }, 'birthDate: must not be in the future'],
    [{ birthDate: '2023-02-30' }, 'birthDate: must be a date (YYYY-MM-DD or a date cell)'],
    [{ birthDate: '17/05/1990' }, 'birthDate: must be a date (YYYY-MM-DD or a date cell)'],
    [{ birthDate: 33000 }, 'birthDate: must be a date (YYYY-MM-DD or a date cell)'],
  ])('%j → %s', (extra, message) => {
    expect(issues({ ...base, ...extra })).toEqual([message]);
  });

  it('knows country codes', () => {
    for (const code of ['DE', 'US', 'GB', 'JP', 'BR']) expect(isCountryCode(code)).toBe(true);
    for (const code of ['XQ', 'ZZ', 'de', 'D', '12']) expect(isCountryCode(code)).toBe(false);
  });
});
