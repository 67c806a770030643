/** zod issues → the API's field errors ("params.rows", "format"). */
import type { z } from 'zod';
import { type FieldError, ValidationError } from './errors';

export function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { field: [prefix, path].filter(Boolean).join('.') || prefix || '(body)', message: issue.message };
  });
}

export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, prefix = '', message = 'The request is invalid'): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError(message, fieldErrors(parsed.error, prefix));
  return parsed.data;
}
