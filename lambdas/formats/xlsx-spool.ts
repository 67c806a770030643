/**
 * exceljs's streaming reader spools a worksheet to a temp file (through the `tmp` package) when the sheet comes
 * before the shared strings in the zip, and removes it only once that sheet was read to the end; otherwise only at
 * process exit. A warm Lambda keeps its process and /tmp, so an import that stops early (first sheet only, a
 * limit, a cancel) would leak hundreds of MB per run. This records the files created while one import reads
 * (AsyncLocalStorage, so concurrent imports in one process keep apart) so the import can remove them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
// The same module instance exceljs requires (one deduplicated copy, pinned to exceljs's version).
import tmp from 'tmp';

type Remove = (next?: (error?: unknown) => void) => void;

/** A spooled file and tmp's own removal callback, which closes the descriptor exceljs leaves open, then unlinks. */
interface Spooled {
  path: string;
  remove: Remove;
  removed: boolean;
}

const current = new AsyncLocalStorage<Set<Spooled>>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const original = tmp.file.bind(tmp) as (...args: unknown[]) => void;
  (tmp as unknown as { file: (...args: unknown[]) => void }).file = (...args: unknown[]) => {
    const files = current.getStore();
    const callback = args[args.length - 1];
    if (files && typeof callback === 'function') {
      args[args.length - 1] = (error: unknown, path: string, fd: unknown, remove: unknown, ...rest: unknown[]) => {
        if (error || typeof remove !== 'function') return (callback as (...a: unknown[]) => unknown)(error, path, fd, remove, ...rest);
        const spooled: Spooled = { path, remove: remove as Remove, removed: false };
        files.add(spooled);
        // exceljs calls it after a complete read of that sheet: note it, so cleanup does not wait for it again.
        const tracked: Remove = (next) => {
          spooled.removed = true;
          spooled.remove(next);
        };
        return (callback as (...a: unknown[]) => unknown)(error, path, fd, tracked, ...rest);
      };
    }
    return original(...args);
  };
}

export interface SpoolScope {
  /** Runs one step of the reader so that files it spools are recorded here. */
  run<T>(step: () => Promise<T>): Promise<T>;
  /** Closes and removes every recorded file that exceljs did not remove itself. */
  cleanup(): Promise<void>;
}

export function spoolScope(): SpoolScope {
  install();
  const files = new Set<Spooled>();
  return {
    run: (step) => current.run(files, step),
    cleanup: async () => {
      const pending = [...files].filter((file) => !file.removed);
      files.clear();
      await Promise.all(
        pending.map(
          (file) =>
            new Promise<void>((resolve) => {
              file.removed = true;
              file.remove(() => resolve());
            }),
        ),
      );
    },
  };
}
