/**
 * Real bundling, as `cdk synth` / `cdk deploy` do it: local esbuild, minified ESM with source maps, and API bundles
 * that never contain exceljs (it costs ~100 ms of cold start; only the worker needs it).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeSynthOutputs, synth, type Synthesized } from './support/synth';

interface Bundle {
  description: string;
  dir: string;
  /** The function's environment, CloudFormation references replaced by plausible values. */
  env: Record<string, string>;
  code: string;
  sources: string[];
  files: string[];
}

const PLACEHOLDERS: Record<string, string> = {
  REDIS_ENDPOINT: '127.0.0.1:6379',
  BUCKET_NAME: 'bucket',
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/queue',
};

let s: Synthesized;
let bundles: Bundle[];

const includesPackage = (b: Bundle, pkg: string) => b.sources.some((src) => src.includes(`node_modules/${pkg}/`));

beforeAll(() => {
  s = synth({ bundle: true, context: { 'aws:cdk:enable-asset-metadata': true } });
  bundles = Object.values(s.json.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description ?? '').startsWith('async-file-tasks'))
    .map((r) => {
      const dir = join(s.assembly.directory, r.Metadata['aws:asset:path']);
      const map = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[] };
      const env = Object.fromEntries(
        Object.entries(r.Properties.Environment.Variables as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : PLACEHOLDERS[k] ?? 'x']),
      );
      return {
        description: r.Properties.Description,
        dir,
        env,
        code: readFileSync(join(dir, 'index.mjs'), 'utf8'),
        sources: map.sources,
        files: readdirSync(dir).sort(),
      };
    });
}, 180_000);

afterAll(removeSynthOutputs);

describe('function bundles', () => {
  it('exist for all ten functions', () => {
    expect(bundles).toHaveLength(10);
  });

  it('are minified ES modules with a source map and a working require()', () => {
    for (const b of bundles) {
      expect(b.code.startsWith("import { createRequire as __afcr } from 'node:module';"), b.description).toBe(true);
      expect(b.code).toMatch(/sourceMappingURL=index\.mjs\.map\s*$/);
      // Minified: long lines (embedded multi-line strings such as Lua scripts keep a few short ones).
      expect(b.code.length / b.code.split('\n').length, b.description).toBeGreaterThan(1000);
      expect(b.sources.length).toBeGreaterThan(0);
    }
  });

  it('load as the Lambda runtime loads them, exporting handler', () => {
    for (const b of bundles) {
      // Import only: a module that connects or reads configuration eagerly would fail here, not on a cold start.
      const script = `import(${JSON.stringify(join(b.dir, 'index.mjs'))}).then((m) => { if (typeof m.handler !== 'function') process.exit(2); process.exit(0); })`;
      const run = spawnSync(process.execPath, ['--enable-source-maps', '-e', script], {
        env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', ...b.env },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status, `${b.description}: ${run.stderr}`).toBe(0);
    }
  });

  it('leave exceljs out of every API function', () => {
    const api = bundles.filter((b) => b.description.includes(' API: '));
    expect(api).toHaveLength(9);
    for (const b of api) expect(includesPackage(b, 'exceljs'), b.description).toBe(false);
  });

  it('bundle the EventBridge client only into the functions that publish completion events', () => {
    const publishes = (b: Bundle) => /worker|POST \/v1\/tasks\/\{id\}\/cancel|DELETE \/v1\/tasks\/\{id\}/.test(b.description);
    expect(bundles.filter(publishes)).toHaveLength(3);
    for (const b of bundles) expect(includesPackage(b, '@aws-sdk/client-eventbridge'), b.description).toBe(publishes(b));
  });

  it('put exceljs in the worker, which builds xlsx files', () => {
    const worker = bundles.find((b) => b.description.includes('worker'))!;
    expect(includesPackage(worker, 'exceljs')).toBe(true);
  });

  it('ship nothing but the bundle and its map', () => {
    for (const b of bundles) expect(b.files, b.description).toEqual(['index.mjs', 'index.mjs.map']);
  });
});
