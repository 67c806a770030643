/**
 * Bundles the demo page (web/src/demo.ts → web/dist/demo.js) and the client as an ES module for apps
 * (web/src/client.ts → web/dist/client.js) with esbuild. No type-check here: `npm run typecheck` does that.
 * Runs before `npm start` and `npm test`; the browser tests call buildWeb() themselves.
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

export async function buildWeb(options: { minify?: boolean } = {}): Promise<{ outdir: string }> {
  const outdir = resolve(ROOT, 'dist');
  await build({
    entryPoints: { demo: resolve(ROOT, 'src/demo.ts'), client: resolve(ROOT, 'src/client.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    sourcemap: true,
    minify: options.minify ?? false,
    logLevel: 'warning',
  });
  return { outdir };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const started = Date.now();
  const { outdir } = await buildWeb();
  console.log(`web: built demo.js and client.js into ${outdir} in ${Date.now() - started} ms`);
}
