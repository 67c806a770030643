/**
 * exceljs's streaming reader spools a worksheet to a temp file (through the `tmp` package) when the sheet comes
 * before the shared strings in the zip, and deletes it only once that sheet was read to the end; otherwise only at
 * process exit. A warm Lambda keeps its process and /tmp, so an import that stops early (first sheet only, a
 * limit, a cancel) would leak hundreds of MB per run. This records the files created while one import reads
 * (AsyncLocalStorage, so concurrent imports in one process keep apart) so the import can delete them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { rm } from 'node:fs/promises';
// The same module instance exceljs requires (one deduplicated copy, pinned to exceljs's version).
import tmp from 'tmp';

const current = new AsyncLocalStorage<Set<string>>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const original = tmp.file.bind(tmp) as (...args: unknown[]) => void;
  (tmp as unknown as { file: (...args: unknown[]) => void }).file = (...args: unknown[]) => {
    const files = current.getStore();
    const callback = args[args.length - 1];
    if (files && typeof callback === 'function') {
      args[args.length - 1] = (error: unknown, path: string, ...rest: unknown[]) => {
        if (!error && path) files.add(path);
        return (callback as (...a: unknown[]) => unknown)(error, path, ...rest);
      };
    }
    return original(...args);
  };
}

export interface SpoolScope {
  /** Runs one step of the reader so that files it spools are recorded here. */
  run<T>(step: () => Promise<T>): Promise<T>;
  /** Deletes every recorded file (already-deleted ones are fine). */
  cleanup(): Promise<void>;
}

export function spoolScope(): SpoolScope {
  install();
  const files = new Set<string>();
  return {
    run: (step) => current.run(files, step),
    cleanup: async () => {
      await Promise.all([...files].map((path) => rm(path, { force: true })));
      files.clear();
    },
  };
}
