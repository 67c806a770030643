/** Test sinks for the writers: collect everything, or consume slowly. */
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Collector {
  stream: Writable;
  /** Bytes received so far. */
  received(): number;
  /** Everything received, once the stream finished. */
  bytes(): Buffer;
}

/** A Writable that keeps every chunk; `delayMs` per chunk makes it a slow consumer. */
export function collector(options: { delayMs?: number; highWaterMark?: number } = {}): Collector {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = new Writable({
    highWaterMark: options.highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      const keep = (): void => {
        chunks.push(Buffer.from(chunk));
        size += chunk.length;
        callback();
      };
      if (options.delayMs) void sleep(options.delayMs).then(keep);
      else keep();
    },
  });
  return { stream, received: () => size, bytes: () => Buffer.concat(chunks) };
}
