/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package/file, so a
 * benchmark's hot spots can be read without DevTools.
 *   npx tsx bench/tools/cpu-profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile-summary <file.cpuprofile> [top]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (url: string) => {
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return url;
  const l = url.match(/(lambdas|bench|dev)\/.*$/);
  return l ? l[0] : url || '(native/gc/idle)';
};
const fnTotals = new Map<string, number>();
const pkgTotals = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const fn = `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  fnTotals.set(fn, (fnTotals.get(fn) ?? 0) + us);
  const pkg = where(n.callFrame.url).replace(/:\d+$/, '');
  pkgTotals.set(pkg, (pkgTotals.get(pkg) ?? 0) + us);
}
const show = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(us / 1000).toFixed(0).padStart(8)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
};
console.log(`total sampled ${(total / 1000).toFixed(0)} ms`);
show('self time by file/package', pkgTotals);
show('self time by function', fnTotals);
