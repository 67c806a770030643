/**
 * Synthesizes the app exactly as `cdk synth` does (same builder, same cdk.json feature flags), once per caller,
 * into a temporary directory, and exposes the template and the policy-validation (cdk-nag) report.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BuiltApp } from '../../../lib/build-app';
import { PROJECT_ROOT } from '../../../lib/task-function';

export interface SynthOptions {
  /** Run esbuild for every function (slow); otherwise asset bundling is skipped. */
  readonly bundle?: boolean;
  /** Extra context, as `-c key=value` would give. */
  readonly context?: Record<string, unknown>;
}

export interface Synthesized extends BuiltApp {
  readonly assembly: CloudAssembly;
  readonly template: Template;
  /** Raw CloudFormation JSON of the stack. */
  readonly json: Record<string, any>;
}

/** The `context` block of cdk.json: the feature flags the CLI would pass. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

const outdirs: string[] = [];

/** Removes every assembly this module wrote (bundles make them tens of MB); call from afterAll. */
export function removeSynthOutputs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Builds the app without synthesizing it (for construction-time checks). */
export function buildTestApp(options: SynthOptions = {}): BuiltApp {
  const outdir = mkdtempSync(join(tmpdir(), 'aft-cdk-'));
  outdirs.push(outdir);
  return buildApp({
    outdir,
    context: {
      ...cdkJsonContext(),
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
}

export function synth(options: SynthOptions = {}): Synthesized {
  const built = buildTestApp(options);
  const assembly = built.app.synth();
  const json = assembly.getStackByName(built.stack.stackName).template as Record<string, any>;
  return { ...built, assembly, template: Template.fromJSON(json), json };
}

/** The policy-validation report CDK writes next to the templates (JSON, with cdk-nag's findings). */
export function readValidationReport(assemblyDir: string): { file: string; report: any } {
  const file = readdirSync(assemblyDir).find((f) => /validation-report.*\.json$/.test(f));
  if (!file) throw new Error(`no validation report in ${assemblyDir}: ${readdirSync(assemblyDir).join(', ')}`);
  return { file, report: JSON.parse(readFileSync(join(assemblyDir, file), 'utf8')) };
}
