/** The worker's export: rows → xlsx/csv writer (with backpressure) → multipart upload → complete. */
import { findExportType } from '../../catalog/registry';
import type { CellValue } from '../../catalog/types';
import { createTableWriter } from '../../formats';
import type { Deps } from '../deps';
import { PermanentTaskError } from '../errors';
import { FailureSignal } from '../failure-signal';
import { exportKey } from '../object-keys';
import type { TaskRecord } from '../task';
import { fieldErrors } from '../zod-errors';
import type { TaskProgress } from './task-progress';

const YIELD_EVERY_ROWS = 2000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runExport(deps: Deps, task: TaskRecord, token: string, progress: TaskProgress): Promise<void> {
  const type = findExportType(task.type);
  if (!type) throw new PermanentTaskError(`Unknown export type "${task.type}"`);
  if (!type.formats.includes(task.format)) throw new PermanentTaskError(`Export type "${type.name}" cannot produce ${task.format}`);
  const parsed = type.params.safeParse(task.params);
  if (!parsed.success) {
    const reasons = fieldErrors(parsed.error, 'params').map((e) => `${e.field} ${e.message}`);
    throw new PermanentTaskError(`Invalid export parameters: ${reasons.join('; ')}`);
  }
  const params = parsed.data;
  progress.total = type.count(params);

  const key = exportKey(task.owner, task.id, task.format);
  const upload = deps.files.openUpload(key, task.format);
  const uploadFailed = FailureSignal.of(upload.done());
  const abort = new AbortController();
  let sheets = 1;
  let sinceYield = 0;
  try {
    const writer = createTableWriter(task.format, upload.stream, type.columns, { neutraliseFormulas: !type.allowFormulas });
    // Returns a promise only when the writer wants the producer to wait (flat memory), never past a failed upload.
    const push = (row: CellValue[]): Promise<unknown> | null => {
      let wait: Promise<unknown> | null = writer.write(row) ? null : uploadFailed.guard(writer.drained());
      // Let timers run now and then (the heartbeat, and in the local stack the API) even when nothing waits.
      if (!wait && ++sinceYield >= YIELD_EVERY_ROWS) wait = yieldToEventLoop();
      if (wait) sinceYield = 0;
      progress.processed++;
      if (progress.stopped) {
        abort.abort();
        progress.check();
      }
      return wait;
    };
    const rows = type.rows(params, { signal: abort.signal });
    if (Symbol.iterator in rows) {
      // Sync producers skip an await per row unless the writer asks for one.
      for (const row of rows) {
        const wait = push(row);
        if (wait) await wait;
      }
    } else {
      for await (const row of rows) await push(row);
    }
    ({ sheets } = await uploadFailed.guard(writer.finish()));
    const { bytes } = await upload.done();
    await progress.stop();
    const outcome = await deps.store.complete(task, token, { rows: progress.processed, bytes, sheets }, key, deps.clock.now());
    // Cancelled while the last bytes were going up: the file must not stay behind.
    if (outcome === 'cancelled') await deps.files.delete(key);
  } catch (error) {
    abort.abort();
    await upload.abort();
    throw error;
  }
}
