/** Text forms of cells shared by the writers (CSV cells, error reports): one definition of dates and formula guards. */

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of the UTC day; dates travel as UTC midnight so every reader sees the same day. */
export function formatIsoDate(value: Date): string {
  return value.toISOString().slice(0, 10);
}

/** ISO 8601 in UTC without milliseconds (`YYYY-MM-DDTHH:mm:ssZ`): what spreadsheets and parsers agree on. */
export function formatIsoDateTime(value: Date): string {
  return `${value.toISOString().slice(0, 19)}Z`;
}

/** Midnight UTC of the value's UTC day: a `date` column carries a day, not an instant. */
export function toUtcDay(value: Date): Date {
  return new Date(Math.floor(value.getTime() / DAY_MS) * DAY_MS);
}

export function isValidDate(value: Date): boolean {
  return !Number.isNaN(value.getTime());
}

/**
 * True when a spreadsheet would read the text as a formula (or a DDE payload): it starts with
 * `=`, `+`, `-`, `@`, a tab or a carriage return (OWASP CSV injection).
 */
export function looksLikeFormula(text: string): boolean {
  const c = text.charCodeAt(0);
  return c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d;
}

/** Prefixes a formula-looking text with `'` so spreadsheets show it as text instead of evaluating it. */
export function neutraliseFormula(text: string): string {
  return looksLikeFormula(text) ? `'${text}` : text;
}
