/**
 * Runs inside each benchmark child process: measures wall time of the timed region and the process's peak RSS
 * (the kernel's high-water mark from resourceUsage().maxRSS, and a 50 ms sampler of memoryUsage().rss), then
 * prints one result line the parent reads. A case is its own process so its peak RSS is its own.
 */
import { performance } from 'node:perf_hooks';

export const RESULT_PREFIX = '@@bench-result ';

export interface CaseArgs {
  rows: number;
  [key: string]: string | number | boolean;
}

export function parseCaseArgs(argv = process.argv.slice(2)): CaseArgs {
  const out: CaseArgs = { rows: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const key = arg.slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[key] = true;
    else {
      out[key] = /^\d+$/.test(next) ? Number(next) : next;
      i++;
    }
  }
  return out;
}

const MB = 1024 * 1024;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export class Meter {
  private peakSampled = process.memoryUsage().rss;
  /** memoryUsage() at the sampled peak: tells V8 heap from Buffers (external/arrayBuffers) from the rest. */
  private atPeak: NodeJS.MemoryUsage = process.memoryUsage();
  private readonly timer: NodeJS.Timeout;
  /** (time, rss) samples inside the timed region, for the RSS timeline (growing vs flat). */
  private readonly samples: [number, number][] = [];
  private start = 0;
  private end = 0;
  /** RSS just before the timed region (runtime, libraries and, where a case has one, the stack clients). */
  rssBeforeMB = 0;

  constructor() {
    this.timer = setInterval(() => this.sample(), 50);
    this.timer.unref();
  }

  sample(): void {
    const usage = process.memoryUsage();
    if (this.start > 0 && this.end === 0) this.samples.push([performance.now(), usage.rss]);
    if (usage.rss > this.peakSampled) {
      this.peakSampled = usage.rss;
      this.atPeak = usage;
    }
  }

  begin(): void {
    this.sample();
    this.rssBeforeMB = round(process.memoryUsage().rss / MB);
    this.start = performance.now();
  }

  finish(): number {
    this.end = performance.now();
    this.sample();
    return this.seconds;
  }

  get seconds(): number {
    return (this.end - this.start) / 1000;
  }

  /** Highest sampled RSS in each tenth of the timed region: flat memory shows as a plateau, growth as a slope. */
  timeline(): number[] {
    if (this.samples.length === 0 || this.end <= this.start) return [];
    const span = this.end - this.start;
    const out = new Array<number>(10).fill(0);
    for (const [t, rss] of this.samples) {
      const i = Math.min(9, Math.floor(((t - this.start) / span) * 10));
      out[i] = Math.max(out[i]!, round(rss / MB, 0));
    }
    return out;
  }

  memory() {
    this.sample();
    clearInterval(this.timer);
    return {
      peakRssMB: round(process.resourceUsage().maxRSS / 1024),
      peakRssSampledMB: round(this.peakSampled / MB),
      rssBeforeMB: this.rssBeforeMB,
      rssTimelineMB: this.timeline(),
      atPeakMB: {
        heapTotal: round(this.atPeak.heapTotal / MB),
        heapUsed: round(this.atPeak.heapUsed / MB),
        external: round(this.atPeak.external / MB),
        arrayBuffers: round(this.atPeak.arrayBuffers / MB),
      },
    };
  }
}

export type CaseOutput = Record<string, unknown> & { seconds?: number; rows?: number; ok: boolean; note?: string };

/** Runs a case body, prints its result line and exits (stacks and sockets need no graceful shutdown here). */
export async function runCase(body: (meter: Meter, args: CaseArgs) => Promise<CaseOutput>): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.LOG_LEVEL ??= 'ERROR';
  const meter = new Meter();
  const args = parseCaseArgs();
  let output: CaseOutput;
  try {
    output = await body(meter, args);
  } catch (error) {
    output = { ok: false, note: error instanceof Error ? `${error.message}` : String(error) };
  }
  const seconds = output.seconds ?? (meter.seconds > 0 ? meter.seconds : undefined);
  const rows = output.rows ?? args.rows;
  const result = {
    ...output,
    ...(seconds !== undefined ? { seconds: round(seconds, 3) } : {}),
    ...(seconds && rows ? { rowsPerSecond: Math.round(rows / seconds) } : {}),
    ...meter.memory(),
  };
  process.stdout.write(`\n${RESULT_PREFIX}${JSON.stringify(result)}\n`, () => process.exit(0));
}
