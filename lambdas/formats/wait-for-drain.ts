/**
 * Waits for a stream to drain without ever hanging: a 'drain' resolves; an 'error' from any watched emitter
 * rejects; a 'close' of the target or of any watched emitter rejects too, since a closed stream never drains.
 * Every listener is removed however the wait ends, so waits can repeat for millions of rows.
 */
interface Emitter {
  once(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
}

export interface DrainWatch {
  /** Emitters whose 'error' ends the wait. */
  errorsFrom?: readonly Emitter[];
  /** Emitters whose 'close' ends the wait (the target's own close always does). */
  closesFrom?: readonly Emitter[];
  /** The error to reject with on a close. */
  closed: () => Error;
}

export function waitForDrain(target: Emitter, watch: DrainWatch): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const closers = [target, ...(watch.closesFrom ?? [])];
    const errorSources = watch.errorsFrom ?? [];
    const cleanup = (): void => {
      target.off('drain', onDrain);
      for (const c of closers) c.off('close', onClose);
      for (const e of errorSources) e.off('error', onError);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(watch.closed());
    };
    target.once('drain', onDrain);
    for (const c of closers) c.once('close', onClose);
    for (const e of errorSources) e.once('error', onError);
  });
}
