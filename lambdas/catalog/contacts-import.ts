/**
 * `contacts`: people with an email address. Accepted rows become JSON objects
 * `{ name, email, phone?, countryCode?, birthDate? }` written by the JSON Lines sink; replace the sink with a
 * writer of your own to load them into a database.
 */
import * as z from 'zod';
import { formatIsoDate } from '../formats/cell-format';
import { jsonlSink } from './jsonl-sink';
import type { ImportColumn, ImportType } from './types';

export const contactColumns: readonly ImportColumn[] = [
  { key: 'name', header: 'Name', aliases: ['full name', 'contact', 'contact name'], required: true },
  { key: 'email', header: 'Email', aliases: ['e-mail', 'mail', 'email address'], required: true },
  { key: 'phone', header: 'Phone', aliases: ['phone number', 'telephone', 'tel', 'mobile'], required: false },
  { key: 'countryCode', header: 'Country code', aliases: ['country', 'iso country'], required: false },
  { key: 'birthDate', header: 'Birth date', aliases: ['date of birth', 'dob', 'birthday'], required: false },
];

const PHONE_CHARACTERS = /^[0-9+\-() ]+$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MIN_BIRTH_DATE = Date.UTC(1900, 0, 1);
const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** ISO 3166-1 alpha-2: two letters that name a region ICU knows (XX, ZZ and the like are refused). */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || code === 'ZZ') return false;
  try {
    return regions.of(code) !== code;
  } catch {
    return false;
  }
}

const requiredText = (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : 'must be text');

/** Numbers (an xlsx cell holding 12345) count as text for text columns. */
const asText = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : value);
const text = (max: number) =>
  z.preprocess(asText, z.string({ error: requiredText }).trim().min(1, { error: 'is required' }).max(max, { error: `must be at most ${max} characters` }));

/** Date cells (xlsx) or YYYY-MM-DD text; the day is what counts, as UTC midnight. */
function toDay(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : new Date(Date.UTC(value.getUTCFullYear(), value.getUTCMonth(), value.getUTCDate()));
  if (typeof value !== 'string') return null;
  const m = ISO_DATE.exec(value.trim());
  if (!m) return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // Refuse 2023-02-30 and friends instead of rolling over.
  return formatIsoDate(date) === value.trim() ? date : null;
}

export const contactRow = z.object({
  name: text(200),
  email: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z.email({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be an email address') }).max(254, { error: 'must be at most 254 characters' }),
  ),
  phone: z
    .preprocess(asText, z.string({ error: 'must be text' }).trim())
    .superRefine((s, ctx) => {
      const digits = s.replace(/\D/g, '').length;
      if (!PHONE_CHARACTERS.test(s)) ctx.addIssue({ code: 'custom', message: 'may contain only digits, spaces, +, - and parentheses' });
      else if (digits < 6 || digits > 20) ctx.addIssue({ code: 'custom', message: 'must have 6 to 20 digits' });
    })
    .optional(),
  countryCode: z
    .string({ error: 'must be text' })
    .trim()
    .transform((s) => s.toUpperCase())
    .refine(isCountryCode, { error: 'must be a two-letter ISO 3166-1 country code, like DE or US' })
    .optional(),
  birthDate: z
    .unknown()
    .transform((value, ctx) => {
      const day = toDay(value);
      if (!day) {
        ctx.addIssue({ code: 'custom', message: 'must be a date (YYYY-MM-DD or a date cell)' });
        return z.NEVER;
      }
      if (day.getTime() < MIN_BIRTH_DATE) {
        ctx.addIssue({ code: 'custom', message: 'must be on or after 1900-01-01' });
        return z.NEVER;
      }
      if (day.getTime() > Date.now()) {
        ctx.addIssue({ code: 'custom', message: 'must not be in the future' });
        return z.NEVER;
      }
      return formatIsoDate(day);
    })
    .optional(),
});

export type ContactRow = z.output<typeof contactRow>;

export const contactsImport: ImportType<ContactRow> = {
  kind: 'import',
  name: 'contacts',
  title: 'Contacts',
  formats: ['xlsx', 'csv'],
  columns: contactColumns,
  row: contactRow as unknown as ImportType<ContactRow>['row'],
  sink: (context) => jsonlSink<ContactRow>(context),
};
