/**
 * A failure that can happen at any moment (an upload or a download stream breaking), raced against many short
 * waits. `Promise.race([step, longLived])` adds a reaction to the long-lived promise on every call and keeps each
 * step's result reachable until that promise settles: one leak per row. Here a wait registers itself and leaves
 * again when it settles, so nothing accumulates.
 */
export class FailureSignal {
  private failure: { error: unknown } | null = null;
  private readonly waiters = new Set<(error: unknown) => void>();

  /** Fails when `done` rejects; a resolved `done` never fails it. */
  static of(done: Promise<unknown>): FailureSignal {
    const signal = new FailureSignal();
    done.catch((error) => signal.fail(error));
    return signal;
  }

  fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    for (const reject of this.waiters) reject(error);
    this.waiters.clear();
  }

  /** Settles as `promise` does, or rejects as soon as the signal fails. */
  guard<T>(promise: Promise<T>): Promise<T> {
    if (this.failure) {
      promise.catch(() => undefined);
      return Promise.reject(this.failure.error);
    }
    return new Promise<T>((resolve, reject) => {
      this.waiters.add(reject);
      promise.then(
        (value) => {
          this.waiters.delete(reject);
          resolve(value);
        },
        (error) => {
          this.waiters.delete(reject);
          reject(error);
        },
      );
    });
  }
}
