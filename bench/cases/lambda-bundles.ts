/**
 * Lambda packages: bundles each handler with esbuild's JS API using the settings of lib/task-function.ts
 * (CDK NodejsFunction: ESM, target node24, mainFields module/main, the createRequire banner, minify, linked
 * source map without sources content, only the lazily loaded credential providers external: the AWS SDK v3 is
 * bundled). Reports the bundle size
 * (index.mjs, not the .map), whether exceljs is inside (metafile inputs), and module init time: a fresh
 * `node` process timing `await import(bundle)`, median of N runs.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { runCase } from '../lib/child';
import { scratchFile } from '../lib/scratch';
import { LAZY_CREDENTIAL_PROVIDERS } from '../../lib/lazy-credential-providers';

const ROOT = process.env.BENCH_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));
const BANNER = "import { createRequire as __afcr } from 'node:module'; const require = __afcr(import.meta.url);";
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await runCase(async (meter, args) => {
  const runs = Number(args.runs ?? 5);
  const entries = [
    ...readdirSync(join(ROOT, 'lambdas/api/handlers'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => ({ name: `api/${f.replace(/\.ts$/, '')}`, entry: join(ROOT, 'lambdas/api/handlers', f), api: true })),
    { name: 'worker', entry: join(ROOT, 'lambdas/worker/handler.ts'), api: false },
  ];
  meter.begin();
  const bundles = [];
  for (const { name, entry, api } of entries) {
    const outfile = scratchFile(`bundles/${name.replace('/', '-')}/index.mjs`);
    const built = await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'esm',
      mainFields: ['module', 'main'],
      banner: { js: BANNER },
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      external: LAZY_CREDENTIAL_PROVIDERS,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(built.metafile.inputs);
    const exceljs = inputs.some((p) => p.includes('node_modules/exceljs/'));
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const out = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `const t=performance.now(); await import(${JSON.stringify(outfile)}); process.stdout.write(String(performance.now()-t));`],
        { env: { ...process.env, BUCKET_NAME: 'b', QUEUE_URL: 'http://127.0.0.1:1/q', REDIS_ENDPOINT: '127.0.0.1:1', AWS_REGION: 'us-east-1', LOG_LEVEL: 'ERROR' }, encoding: 'utf8' },
      );
      times.push(Number(out));
    }
    bundles.push({ name, api, bytes: statSync(outfile).size, exceljs, inputs: inputs.length, initMs: Math.round(median(times) * 10) / 10, initRunsMs: times.map((t) => Math.round(t)) });
  }
  meter.finish();
  return { ok: true, rows: 0, bundles };
});
