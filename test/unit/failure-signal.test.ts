import { describe, expect, it } from 'vitest';
import { FailureSignal } from '../../lambdas/core/failure-signal';

describe('FailureSignal', () => {
  it('passes a step through while nothing failed', async () => {
    const signal = new FailureSignal();
    await expect(signal.guard(Promise.resolve(7))).resolves.toBe(7);
    await expect(signal.guard(Promise.reject(new Error('step')))).rejects.toThrow('step');
  });

  it('rejects pending and later waits once it fails', async () => {
    const signal = new FailureSignal();
    const pending = signal.guard(new Promise(() => undefined));
    signal.fail(new Error('upload broke'));
    await expect(pending).rejects.toThrow('upload broke');
    await expect(signal.guard(Promise.resolve(1))).rejects.toThrow('upload broke');
  });

  it('follows the promise it is made of', async () => {
    let reject!: (e: Error) => void;
    const signal = FailureSignal.of(new Promise((_, r) => (reject = r)));
    const pending = signal.guard(new Promise(() => undefined));
    reject(new Error('done failed'));
    await expect(pending).rejects.toThrow('done failed');
    const fine = FailureSignal.of(Promise.resolve());
    await expect(fine.guard(Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('keeps nothing from settled waits (no growth per step)', async () => {
    const signal = new FailureSignal();
    for (let i = 0; i < 1000; i++) await signal.guard(Promise.resolve({ row: i }));
    expect((signal as unknown as { waiters: Set<unknown> }).waiters.size).toBe(0);
  });
});
