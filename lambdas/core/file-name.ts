/**
 * The user's file name is only ever used in the download's Content-Disposition. Still, keep it printable:
 * no control characters, no path separators, bounded length, and the extension of the real format.
 */
import type { FileFormat } from './task';

export const MAX_FILE_NAME_LENGTH = 200;

export function cleanFileName(raw: string | undefined, fallback: string, format: FileFormat): string {
  let name = (raw ?? '')
    .normalize('NFC')
    // Control characters (C0, DEL, C1) and separators that mean something to a file system or a header.
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .replace(/[\\/:*?"<>|]/g, '_')
    .trim()
    .replace(/^\.+/, '');
  if (name === '') name = fallback;
  const extension = `.${format}`;
  if (name.toLowerCase().endsWith(extension)) name = name.slice(0, -extension.length);
  // Cut by code points so a surrogate pair is never split.
  name = Array.from(name).slice(0, MAX_FILE_NAME_LENGTH - extension.length).join('').trim() || fallback;
  return `${name}${extension}`;
}
