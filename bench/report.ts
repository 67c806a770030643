/**
 * Renders a results JSON (default bench/results/latest.json) as the Markdown tables used in docs/BENCHMARKS.md:
 *   npx tsx bench/report.ts [bench/results/<file>.json]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = process.argv[2] ?? fileURLToPath(new URL('./results/latest.json', import.meta.url));
const run = JSON.parse(readFileSync(file, 'utf8'));
const int = (n: number) => n.toLocaleString('en-US');
const load = (l: number[]) => l.map((x: number) => x.toFixed(1)).join(' / ');
const out: string[] = [];

out.push(`Run ${run.startedAt} · ${run.machine.nproc} × ${run.machine.cpu} · ${int(run.machine.memoryMB)} MB · node ${run.machine.node} · load average at start ${load(run.machine.loadAtStart)}, at end ${load(run.machine.loadAtEnd)}`);
out.push('');
out.push('| case | rows | time | rows/s or req/s | latency p50 / p99 | peak RSS (MB) | notes | load 1 / 5 / 15 min |');
out.push('|---|---:|---:|---:|---:|---:|---|---|');
for (const c of run.cases) {
  const r = c.result;
  const l = load(c.load.before);
  if (c.group === 'bundles' && r.bundles) {
    for (const b of r.bundles) out.push(`| bundle \`${b.name}\` | | init ${b.initMs} ms (median of ${b.initRunsMs.length}) | | | | ${(b.bytes / 1024).toFixed(0)} KB${b.exceljs ? ', **contains exceljs**' : ', no exceljs'} | ${l} |`);
    continue;
  }
  if (c.group === 'api' && r.latencyMs) {
    out.push(`| ${c.id} | | ${r.durationSeconds} s × ${r.connections} conn | ${int(r.reqPerSec)} req/s | ${r.latencyMs.p50} / ${r.latencyMs.p99} ms | ${Math.round(r.peakRssMB)} | ${Object.entries(r.statuses).map(([k, v]) => `${k}: ${int(Number(v))}`).join(', ')} | ${l} |`);
    continue;
  }
  const note = r.skipped ? `skipped: ${r.note}` : !c.ok ? `FAILED: ${r.message ?? r.note ?? ''}` : r.message ? `${r.stoppedAt}: ${r.message}` : r.bytes ? `${(r.bytes / 1048576).toFixed(1)} MB written` : r.inputBytes ? `${(r.inputBytes / 1048576).toFixed(1)} MB input${r.rejected !== undefined ? `, ${int(r.imported)} imported, ${int(r.rejected)} rejected` : ''}${r.note ? `; ${r.note}` : ''}` : r.files ? Object.entries(r.files).map(([k, v]) => `${k} ${(Number(v) / 1048576).toFixed(1)} MB`).join(', ') : '';
  out.push(`| ${c.id.split('@')[0]} | ${c.rows ? int(c.rows) : ''} | ${r.seconds !== undefined ? `${r.seconds.toFixed(2)} s` : ''} | ${r.rowsPerSecond && c.group !== 'prepare' ? int(r.rowsPerSecond) : ''} | | ${r.peakRssMB ? Math.round(r.peakRssMB) : ''} | ${note.replace(/\|/g, '\\|')} | ${l} |`);
}
out.push('');
out.push('| target | measured | verdict |');
out.push('|---|---|---|');
for (const t of run.targets) out.push(`| ${t.target} | ${t.measured.replace(/\|/g, '\\|')} | **${t.verdict}** |`);
console.log(out.join('\n'));
