/**
 * Captures what handlers write to stdout and stderr (Powertools Logger and Metrics write JSON lines through a Console
 * on process.stdout/stderr) and parses it line by line. Non-JSON output is kept as `{ raw }`.
 */
import { vi } from 'vitest';

export interface StdoutCapture {
  /** Every JSON line written since start (or the last clear). */
  lines(): Record<string, any>[];
  /** Log lines (not EMF documents). */
  logs(): Record<string, any>[];
  /** EMF documents (lines with an `_aws` key). */
  emf(): Record<string, any>[];
  clear(): void;
  stop(): void;
}

export function captureStdout(options: { echo?: boolean } = {}): StdoutCapture {
  let buffer = '';
  // Powertools writes INFO/DEBUG to stdout and WARN/ERROR to stderr; Lambda ships both to the log group.
  const spies = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream);
    return vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      buffer += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (options.echo) return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write);
  });
  const lines = () =>
    buffer
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, any>;
        } catch {
          return { raw: l };
        }
      });
  return {
    lines,
    logs: () => lines().filter((l) => !('_aws' in l) && !('raw' in l)),
    emf: () => lines().filter((l) => '_aws' in l),
    clear: () => {
      buffer = '';
    },
    stop: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

/** Checks one EMF document against the CloudWatch embedded metric format specification; returns the problems. */
export function emfProblems(doc: Record<string, any>): string[] {
  const problems: string[] = [];
  const aws = doc._aws;
  if (!aws || typeof aws !== 'object') return ['no _aws object'];
  if (!Number.isInteger(aws.Timestamp) || aws.Timestamp <= 0) problems.push('_aws.Timestamp is not a positive integer (ms)');
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0) return [...problems, '_aws.CloudWatchMetrics is not a non-empty array'];
  for (const directive of aws.CloudWatchMetrics) {
    if (typeof directive.Namespace !== 'string' || directive.Namespace === '') problems.push('Namespace missing');
    if (!Array.isArray(directive.Dimensions)) problems.push('Dimensions is not an array');
    for (const set of directive.Dimensions ?? []) {
      if (!Array.isArray(set) || set.length > 30) problems.push(`bad dimension set ${JSON.stringify(set)}`);
      for (const name of set ?? []) if (typeof doc[name] !== 'string') problems.push(`dimension ${name} has no string value at the top level`);
    }
    if (!Array.isArray(directive.Metrics) || directive.Metrics.length === 0) problems.push('Metrics is not a non-empty array');
    for (const metric of directive.Metrics ?? []) {
      if (typeof metric.Name !== 'string') problems.push('a metric has no Name');
      if (typeof metric.Unit !== 'string') problems.push(`metric ${metric.Name} has no Unit`);
      const value = doc[metric.Name];
      const values = Array.isArray(value) ? value : [value];
      if (value === undefined || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) problems.push(`metric ${metric.Name} has no numeric top-level value`);
    }
  }
  return problems;
}

/** Sums a metric over the documents whose dimensions match. */
export function emfSum(docs: Record<string, any>[], name: string, dims: Record<string, string> = {}): number {
  let total = 0;
  for (const doc of docs) {
    if (!Object.entries(dims).every(([k, v]) => doc[k] === v)) continue;
    const value = doc[name];
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) total += v as number;
  }
  return total;
}

/** Waits until `probe` returns something truthy (polling captured output, not timing). */
export async function eventually<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
