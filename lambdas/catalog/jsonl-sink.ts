/**
 * An ImportSink that writes accepted rows as JSON Lines (one JSON object per line) to S3 at
 * sinkKey(owner, taskId), through one streaming multipart upload. discard() aborts the upload: a failed or
 * cancelled import leaves no object. This is the example sink: a team replaces it with its own database writer
 * (same three methods; write() gets batches of rows, close() commits, discard() rolls back).
 */
import type { Writable } from 'node:stream';
import { FailureSignal } from '../core/failure-signal';
import { sinkKey } from '../core/object-keys';
import { waitForDrain } from '../formats/wait-for-drain';
import type { ImportSink, ImportSinkContext } from './types';

function drained(stream: Writable, failed: FailureSignal): Promise<unknown> {
  return failed.guard(waitForDrain(stream, { closed: () => new Error('The JSON Lines upload was closed before it completed') }));
}

export function jsonlSink<R>(context: ImportSinkContext): ImportSink<R> {
  if (!context.files) throw new Error('The JSON Lines sink needs the file store (ImportSinkContext.files)');
  const files = context.files;
  const key = sinkKey(context.owner, context.taskId);
  const upload = files.openUpload(key, 'jsonl');
  const failed = FailureSignal.of(upload.done());
  let ended = false;
  let committed = false;
  return {
    async write(rows) {
      if (rows.length === 0) return;
      let text = '';
      for (const row of rows) text += `${JSON.stringify(row)}\n`;
      if (!upload.stream.write(text)) await drained(upload.stream, failed);
    },
    async close() {
      if (!ended) {
        ended = true;
        upload.stream.end();
      }
      await upload.done();
      committed = true;
    },
    async discard() {
      // After a commit the object is there: remove it (the rows are not imported after all).
      if (committed) await files.delete(key);
      else await upload.abort();
    },
  };
}
