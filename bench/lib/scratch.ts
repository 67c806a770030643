/** Scratch files for benchmark outputs and inputs, outside the repository. */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SCRATCH = process.env.BENCH_SCRATCH ?? join(tmpdir(), 'aft-bench');

export function scratchFile(name: string): string {
  mkdirSync(SCRATCH, { recursive: true });
  return join(SCRATCH, name);
}
