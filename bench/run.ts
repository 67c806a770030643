/**
 * Benchmarks (issue 7). `npm run bench` runs every case at 1,000,000 rows (exports also at 100,000);
 *   npm run bench -- --rows 100000      exports at 10,000 and 100,000, imports at 100,000
 *   npm run bench -- --quick            20,000 rows, 3 s API runs: a smoke test of the harness
 *   npm run bench -- --only export-csv  only cases whose id contains one of the comma-separated words
 *   npm run bench -- --no-write         do not write bench/results/
 * Each case is its own child process (a plain `node` running an esbuild bundle of bench/cases/<case>.ts, so
 * neither tsx's loader nor other cases count in its peak RSS). Results: bench/results/<timestamp>.json and
 * bench/results/latest.json.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { RESULT_PREFIX } from './lib/child';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Per checkout, so a patched copy of the project (what-if experiments) can run beside this one.
const BUILD_DIR = join(ROOT, 'node_modules/.cache/aft-bench', `cases-${createHash('sha1').update(ROOT).digest('hex').slice(0, 8)}`);
const RESULTS_DIR = join(ROOT, 'bench/results');

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
if (flag('help')) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]);
  process.exit(0);
}
const quick = flag('quick');
const rows = Number(option('rows') ?? (quick ? 20_000 : 1_000_000));
if (!Number.isInteger(rows) || rows < 10) throw new Error('--rows must be an integer ≥ 10');
const small = Math.max(1, Math.round(rows / 10));
const apiSeconds = Number(option('api-seconds') ?? (quick ? 3 : 10));
const only = option('only')?.split(',').filter(Boolean) ?? [];
const write = !flag('no-write');

// ---------------------------------------------------------------- cases
interface CaseSpec {
  id: string;
  script: string;
  args: Record<string, string | number>;
  rows: number;
  group: 'export' | 'import' | 'api' | 'bundles' | 'prepare';
  label: string;
}

const cases: CaseSpec[] = [];
const add = (id: string, script: string, caseRows: number, group: CaseSpec['group'], label: string, args: Record<string, string | number> = {}) =>
  cases.push({ id, script, rows: caseRows, group, label, args: { rows: caseRows, ...args } });

add('lambda-bundles', 'lambda-bundles', 0, 'bundles', 'esbuild bundle per handler, size, exceljs?, init (median of 5)');
for (const n of [small, rows]) {
  add(`export-csv-floor@${n}`, 'export-csv-floor', n, 'export', 'CSV floor: hand-rolled concat → file');
  add(`export-csv-writer-file@${n}`, 'export-writer-file', n, 'export', 'CSV: the project\'s writer → file (no worker, no S3)', { format: 'csv' });
  add(`export-csv-worker@${n}`, 'export-worker', n, 'export', 'CSV export, real worker → S3 (fauxqs)', { format: 'csv' });
  add(`export-xlsx-floor@${n}`, 'export-xlsx-floor', n, 'export', 'XLSX floor: sheet XML → deflateRaw(1) → file');
  add(`export-xlsx-exceljs-bare@${n}`, 'export-exceljs-bare', n, 'export', 'exceljs WorkbookWriter({filename}), addRow().commit()');
  add(`export-xlsx-writer-file@${n}`, 'export-writer-file', n, 'export', 'XLSX: the project\'s writer → file (no worker, no S3)', { format: 'xlsx' });
  add(`export-xlsx-worker@${n}`, 'export-worker', n, 'export', 'XLSX export, real worker → S3 (fauxqs)', { format: 'xlsx' });
}
add(`import-prepare@${rows}`, 'import-prepare', rows, 'prepare', 'build input files (untimed for targets; cached)');
add(`import-csv-parse@${rows}`, 'import-csv-parse', rows, 'import', 'csv-parse streaming over the CSV');
add(`import-csv-worker@${rows}`, 'import-worker', rows, 'import', 'CSV import, real worker (limits raised)', { variant: 'csv' });
add(`import-xlsx-inline-exceljs-reader@${rows}`, 'import-exceljs-reader', rows, 'import', 'exceljs WorkbookReader, inline-string xlsx', { variant: 'xlsx-inline' });
add(`import-xlsx-inline-worker@${rows}`, 'import-worker', rows, 'import', 'inline-string XLSX import, real worker (limits raised)', { variant: 'xlsx-inline' });
add(`import-xlsx-shared-exceljs-reader@${rows}`, 'import-exceljs-reader', rows, 'import', 'exceljs WorkbookReader, shared-strings xlsx', { variant: 'xlsx-shared' });
add(`import-xlsx-shared-worker@${rows}`, 'import-worker', rows, 'import', 'shared-strings XLSX import, real worker (limits raised)', { variant: 'xlsx-shared' });
add(`import-xlsx-shared-default-limits@${rows}`, 'import-worker', rows, 'import', 'shared-strings XLSX import with the shipped limits (API door)', { variant: 'xlsx-shared', limits: 'default', 'door-only': 1 });
add(`import-csv-default-limits@${rows}`, 'import-worker', rows, 'import', 'CSV import with the shipped limits (API door)', { variant: 'csv', limits: 'default', 'door-only': 1 });
for (const scenario of ['status', 'register', 'mix']) {
  add(`api-${scenario}`, 'api-load', 0, 'api', `autocannon 10 conn × ${apiSeconds} s: ${scenario}`, { scenario, duration: apiSeconds, connections: 10 });
}
// One connection: one request at a time, as one Lambda instance serves them (10 connections on the local stack's
// single event loop measure queueing: p50 ≈ connections × service time).
for (const scenario of ['status', 'register']) {
  add(`api-${scenario}-c1`, 'api-load', 0, 'api', `autocannon 1 conn × ${apiSeconds} s: ${scenario}`, { scenario, duration: apiSeconds, connections: 1 });
}

let selected = only.length ? cases.filter((c) => only.some((word) => c.id.includes(word))) : cases;
// Import cases need their input files: keep the preparation step when any import case runs.
if (selected.some((c) => c.group === 'import') && !selected.some((c) => c.group === 'prepare')) {
  selected = [cases.find((c) => c.group === 'prepare')!, ...selected];
}
if (selected.length === 0) throw new Error(`no case matches --only ${only.join(',')}; cases: ${cases.map((c) => c.id).join(', ')}`);

// ---------------------------------------------------------------- build the case bundles
async function buildCases(scripts: string[]): Promise<void> {
  mkdirSync(BUILD_DIR, { recursive: true });
  await build({
    entryPoints: [...new Set(scripts)].map((s) => join(ROOT, 'bench/cases', `${s}.ts`)),
    outdir: BUILD_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

// ---------------------------------------------------------------- running
const fmtInt = (n: number) => n.toLocaleString('en-US');
const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
const tty = process.stdout.isTTY;

interface CaseResult extends CaseSpec {
  ok: boolean;
  result: Record<string, any>;
  wallSeconds: number;
  load: { before: number[]; after: number[] };
  stderrTail?: string;
}

function runOne(spec: CaseSpec, index: number, total: number): Promise<CaseResult> {
  const args = Object.entries(spec.args).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const title = `[${index}/${total}] ${spec.id.split('@')[0]}${spec.rows ? ` ${fmtInt(spec.rows)} rows` : ''}`;
  const started = Date.now();
  const before = loadavg();
  const child = spawn(process.execPath, ['--enable-source-maps', join(BUILD_DIR, `${spec.script}.mjs`), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      LOG_LEVEL: 'ERROR',
      BENCH_ROOT: ROOT,
      BENCH_STACK_HOST: join(ROOT, 'bench/lib/stack-host.ts'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
  const ticker = tty
    ? setInterval(() => process.stdout.write(`\r${title} … ${((Date.now() - started) / 1000).toFixed(1)} s`), 250)
    : undefined;
  if (!tty) process.stdout.write(`${title} …`);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      if (ticker) clearInterval(ticker);
      const wallSeconds = (Date.now() - started) / 1000;
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      const result = line ? (JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, any>) : { ok: false, note: `exited with ${code} and no result` };
      const ok = Boolean(result.ok);
      const summary = result.skipped
        ? 'skipped'
        : `${result.seconds !== undefined ? `${result.seconds.toFixed(1)} s` : `${wallSeconds.toFixed(1)} s`}` +
          `${result.peakRssMB ? `, peak RSS ${Math.round(result.peakRssMB)} MB` : ''}${ok ? '' : ` — ${result.message ?? result.note ?? 'FAILED'}`}`;
      process.stdout.write(tty ? `\r${title} … ${summary}${' '.repeat(10)}\n` : ` ${summary}\n`);
      resolve({ ...spec, ok, result, wallSeconds, load: { before, after: loadavg() }, ...(ok || result.skipped ? {} : { stderrTail: stderr.slice(-1500) }) });
    });
  });
}

// ---------------------------------------------------------------- targets
type Verdict = 'PASS' | 'FAIL' | 'n/a';
interface Target {
  id: string;
  target: string;
  measured: string;
  verdict: Verdict;
}

function evaluate(results: CaseResult[]): Target[] {
  const get = (id: string) => results.find((r) => r.id === id && r.ok && !r.result.skipped)?.result;
  const targets: Target[] = [];
  const push = (id: string, target: string, measured: string | null, pass: boolean | null) =>
    targets.push({ id, target, measured: measured ?? 'not measured', verdict: measured === null || pass === null ? 'n/a' : pass ? 'PASS' : 'FAIL' });
  const mb = (x: number) => `${Math.round(x)} MB`;

  const xw = get(`export-xlsx-worker@${rows}`);
  const xb = get(`export-xlsx-exceljs-bare@${rows}`);
  const xwSmall = get(`export-xlsx-worker@${small}`);
  push('xlsx-export-time', `XLSX export (worker, incl. S3) time ≤ 1.0× bare exceljs writer at ${fmtInt(rows)} rows`,
    xw && xb ? `${xw.seconds.toFixed(1)} s vs ${xb.seconds.toFixed(1)} s = ${(xw.seconds / xb.seconds).toFixed(2)}×` : null, xw && xb ? xw.seconds <= xb.seconds : null);
  push('xlsx-export-rss', `XLSX export peak RSS ≤ 160 MB at ${fmtInt(rows)} rows`, xw ? mb(xw.peakRssMB) : null, xw ? xw.peakRssMB <= 160 : null);
  push('xlsx-export-flat', `XLSX export peak RSS flat ${fmtInt(small)} → ${fmtInt(rows)} rows (growth ≤ 10%)`,
    xw && xwSmall ? `${mb(xwSmall.peakRssMB)} → ${mb(xw.peakRssMB)} (${xw.peakRssMB >= xwSmall.peakRssMB ? '+' : ''}${(((xw.peakRssMB - xwSmall.peakRssMB) / xwSmall.peakRssMB) * 100).toFixed(0)}%)` : null,
    xw && xwSmall ? xw.peakRssMB <= xwSmall.peakRssMB * 1.1 : null);

  for (const n of [rows]) {
    const cw = get(`export-csv-worker@${n}`);
    const cf = get(`export-csv-floor@${n}`);
    push(`csv-export-speed@${n}`, `CSV export (worker, incl. S3) ≥ 0.8× the hand-rolled floor's rows/s at ${fmtInt(n)} rows`,
      cw && cf ? `${fmtInt(cw.rowsPerSecond)} vs ${fmtInt(cf.rowsPerSecond)} rows/s = ${(cw.rowsPerSecond / cf.rowsPerSecond).toFixed(2)}×` : null,
      cw && cf ? cw.rowsPerSecond >= 0.8 * cf.rowsPerSecond : null);
  }

  for (const variant of ['csv', 'xlsx-inline']) {
    const w = get(`import-${variant}-worker@${rows}`);
    push(`import-${variant}-rss`, `${variant} import of ${fmtInt(rows)} rows: peak RSS ≤ 200 MB`, w ? `${mb(w.peakRssMB)} (${w.seconds.toFixed(1)} s)` : null, w ? w.peakRssMB <= 200 : null);
  }
  const sw = get(`import-xlsx-shared-worker@${rows}`);
  const sr = get(`import-xlsx-shared-exceljs-reader@${rows}`);
  push('import-xlsx-shared-rss', `shared-strings xlsx import: peak RSS ≤ bare exceljs streaming reader's`,
    sw && sr ? `${mb(sw.peakRssMB)} vs ${mb(sr.peakRssMB)}` : null, sw && sr ? sw.peakRssMB <= sr.peakRssMB : null);
  const sl = get(`import-xlsx-shared-default-limits@${rows}`);
  // Stopped at the door with a message, or let in: then the raised-limits run shows what the worker does with it.
  const slMeasured = !sl ? null : sl.message ? `${sl.stoppedAt}: ${sl.status} "${String(sl.message).slice(0, 140)}"`
    : sw ? `let in (${(sl.inputBytes / 1048576).toFixed(0)} MB); the worker then ${sw.message ? `stops: "${String(sw.message).slice(0, 100)}"` : `imports it at ${mb(sw.peakRssMB)} peak RSS`}` : 'let in; worker run not measured';
  push('import-limits-message', 'shipped limits stop a shared-strings xlsx the worker cannot hold, with a clear message (or it fits: ≤ 200 MB)',
    slMeasured, !sl ? null : sl.message ? true : sw ? Boolean(sw.message) || sw.peakRssMB <= 200 : null);

  const bundles = get('lambda-bundles')?.bundles as { name: string; api: boolean; bytes: number; exceljs: boolean; initMs: number }[] | undefined;
  if (bundles) {
    for (const b of bundles.filter((x) => x.api)) {
      const ok = !b.exceljs && b.bytes <= 600 * 1024 && b.initMs <= 120;
      push(`bundle-${b.name}`, `${b.name}: no exceljs, ≤ 600 KB, init ≤ 120 ms`, `${b.exceljs ? 'HAS exceljs' : 'no exceljs'}, ${(b.bytes / 1024).toFixed(0)} KB, ${b.initMs} ms`, ok);
    }
  } else push('bundles', 'API bundles: no exceljs, ≤ 600 KB, init ≤ 120 ms', null, null);

  for (const scenario of ['status', 'register', 'mix', 'status-c1', 'register-c1']) {
    const a = get(`api-${scenario}`);
    const conns = scenario.endsWith('-c1') ? 1 : 10;
    push(`api-${scenario}-p99`, `API ${scenario.replace('-c1', '')}: p99 < 25 ms (${conns} connection${conns > 1 ? 's' : ''})`, a ? `p99 ${a.latencyMs.p99} ms, p50 ${a.latencyMs.p50} ms, ${fmtInt(a.reqPerSec)} req/s` : null, a ? a.latencyMs.p99 < 25 : null);
  }
  return targets;
}

// ---------------------------------------------------------------- tables
function table(headers: string[], rowsOut: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rowsOut.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rowsOut.map(line)].join('\n');
}

function resultRows(results: CaseResult[]): string[][] {
  const out: string[][] = [];
  for (const r of results) {
    const x = r.result;
    if (r.group === 'bundles' && x.bundles) {
      for (const b of x.bundles) out.push([`bundle ${b.name}`, '', `${b.initMs} ms init`, '', '', `${(b.bytes / 1024).toFixed(0)} KB${b.exceljs ? ' +exceljs' : ''}`, fmtLoad(r.load.before)]);
      continue;
    }
    if (r.group === 'api' && x.latencyMs) {
      out.push([r.id, '', `${fmtInt(x.reqPerSec)} req/s`, `p50 ${x.latencyMs.p50} / p99 ${x.latencyMs.p99} ms`, x.peakRssMB ? `${Math.round(x.peakRssMB)}` : '', JSON.stringify(x.statuses), fmtLoad(r.load.before)]);
      continue;
    }
    const note = x.skipped ? 'skipped: ' + x.note : !r.ok ? `FAILED: ${x.message ?? x.note ?? ''}` : x.message ? `${x.stoppedAt}: ${x.message}` : x.bytes ? `${(x.bytes / 1048576).toFixed(1)} MB out` : x.inputBytes ? `${(x.inputBytes / 1048576).toFixed(1)} MB in` : '';
    out.push([
      r.id,
      r.rows ? fmtInt(r.rows) : '',
      x.seconds !== undefined ? `${x.seconds.toFixed(2)} s` : '',
      x.rowsPerSecond && r.group !== 'prepare' ? `${fmtInt(x.rowsPerSecond)} rows/s` : '',
      x.peakRssMB ? `${Math.round(x.peakRssMB)}` : '',
      note.slice(0, 120),
      fmtLoad(r.load.before),
    ]);
  }
  return out;
}

// ---------------------------------------------------------------- main
const machine = {
  nproc: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryMB: Math.round(totalmem() / 1048576),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  loadAtStart: loadavg(),
};
console.log(`async-file-tasks benchmarks: ${fmtInt(rows)} rows (exports also ${fmtInt(small)}), ${selected.length} cases`);
console.log(`machine: ${machine.nproc} × ${machine.cpu}, ${fmtInt(machine.memoryMB)} MB, node ${machine.node}; load average ${fmtLoad(machine.loadAtStart)}`);
await buildCases(selected.map((c) => c.script));

const startedAt = new Date();
const results: CaseResult[] = [];
for (const [i, spec] of selected.entries()) results.push(await runOne(spec, i + 1, selected.length));
machine.loadAtStart = machine.loadAtStart.map((x) => Math.round(x * 100) / 100);
const loadAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);

console.log('');
console.log(table(['case', 'rows', 'time', 'throughput / latency', 'peak RSS MB', 'notes', 'load 1/5/15 m'], resultRows(results)));
const targets = evaluate(results);
console.log('');
console.log(table(['target', 'measured', 'verdict'], targets.map((t) => [t.target, t.measured, t.verdict])));
for (const r of results.filter((x) => x.stderrTail)) console.log(`\n--- ${r.id} stderr (tail) ---\n${r.stderrTail}`);

if (write) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const json = JSON.stringify({ startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), args: { rows, small, quick, only, apiSeconds }, machine: { ...machine, loadAtEnd }, cases: results, targets }, null, 2);
  writeFileSync(join(RESULTS_DIR, `${stamp}.json`), json);
  writeFileSync(join(RESULTS_DIR, 'latest.json'), json);
  console.log(`\nwrote bench/results/${stamp}.json and bench/results/latest.json`);
}
