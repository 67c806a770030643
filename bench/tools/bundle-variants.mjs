/**
 * What-if sizes (and with --time, init times) of API bundles for finding 3 of docs/BENCHMARKS.md: as configured
 * (lib/task-function.ts settings), with `import * as z from 'zod'` (applied in memory, sources untouched), with the
 * lazily-loaded credential providers external, and with the SDK taken from the Lambda runtime.
 *   node bench/tools/bundle-variants.mjs [--time] get-task create-export ...   (from the project root)
 */
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
const BANNER = "import { createRequire as __afcr } from 'node:module'; const require = __afcr(import.meta.url);";
const zodNs = { name: 'zodns', setup(b) { b.onLoad({ filter: /lambdas\/.*\.ts$/ }, async (a) => ({ contents: (await readFile(a.path, 'utf8')).replace(/import \{ z \} from 'zod';/g, "import * as z from 'zod';"), loader: 'ts' })); } };
const lazyCreds = ['@aws-sdk/credential-provider-ini','@aws-sdk/credential-provider-sso','@aws-sdk/credential-provider-process','@aws-sdk/credential-provider-web-identity','@aws-sdk/credential-provider-login','@aws-sdk/nested-clients','@aws-sdk/credential-provider-http','@aws-sdk/token-providers'];
const variants = {
  'as configured': {},
  'zod namespace import': { plugins: [zodNs] },
  '+ lazy credential providers external': { plugins: [zodNs], external: lazyCreds },
  '+ SDK from the runtime (bundleAwsSDK false)': { plugins: [zodNs], external: ['@aws-sdk/*', '@smithy/*'] },
};
const time = process.argv.includes('--time');
for (const h of process.argv.slice(2).filter((a) => !a.startsWith('--'))) {
  for (const [name, v] of Object.entries(variants)) {
    const out = `${process.cwd()}/node_modules/.cache/aft-bench/variants/${h}-${name.replace(/\W+/g, '_')}.mjs`;
    const r = await build({ entryPoints: [`lambdas/api/handlers/${h}.ts`], outfile: out, bundle: true, platform: 'node', target: 'node24', format: 'esm', mainFields: ['module', 'main'], minify: true, metafile: true, logLevel: 'silent', banner: { js: BANNER }, ...v });
    const o = Object.values(r.metafile.outputs).find((x) => x.entryPoint);
    let init = '';
    if (time && !name.includes('runtime')) {
      const t = [];
      for (let i = 0; i < 5; i++) t.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', `const t=performance.now(); await import(${JSON.stringify(out)}); process.stdout.write(String(performance.now()-t))`], { env: { ...process.env, BUCKET_NAME: 'b', QUEUE_URL: 'q', AWS_REGION: 'us-east-1' } }).toString()));
      t.sort((a, b) => a - b);
      init = ` init median ${t[2].toFixed(0)} ms`;
    }
    console.log(`${h.padEnd(14)} ${name.padEnd(46)} ${String(Math.round(o.bytes / 1024)).padStart(5)} KB${init}`);
  }
}
