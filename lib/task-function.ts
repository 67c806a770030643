/**
 * The one place Lambda functions are defined: every function of the stack shares runtime, architecture,
 * bundling, VPC placement, tracing and logging, and differs only in entry, size and timeout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Size } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LAZY_CREDENTIAL_PROVIDERS } from './lazy-credential-providers';

/** Repository root, resolved from this file so synth works from any working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;
export const FUNCTION_ARCHITECTURE = Architecture.ARM_64;

/**
 * esbuild's ESM output cannot `require()` Node built-ins from bundled CommonJS packages (ioredis, the AWS SDK's
 * deps); giving the module a real `require` keeps them working.
 */
const ESM_REQUIRE_BANNER = "import { createRequire as __afcr } from 'node:module'; const require = __afcr(import.meta.url);";

export interface FunctionDefaults {
  readonly vpc: IVpc;
  readonly subnets: SubnetSelection;
  readonly securityGroup: ISecurityGroup;
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

export interface TaskFunctionOptions {
  /** Handler module, relative to the repository root (e.g. `lambdas/api/handlers/get-task.ts`). */
  readonly entry: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeout: Duration;
  readonly ephemeralStorageMb?: number;
}

export class TaskFunctionFactory {
  constructor(
    private readonly scope: Construct,
    private readonly defaults: FunctionDefaults,
  ) {}

  create(id: string, options: TaskFunctionOptions): NodejsFunction {
    const entry = join(PROJECT_ROOT, options.entry);
    if (!existsSync(entry)) throw new Error(`AsyncFileTasks: handler entry ${options.entry} does not exist`);
    // Explicit log group: retention and removal are ours, not the account default of "never expire".
    const logGroup = new LogGroup(this.scope, `${id}Logs`, {
      retention: this.defaults.logRetention,
      removalPolicy: this.defaults.removalPolicy,
    });
    return new NodejsFunction(this.scope, id, {
      entry,
      handler: 'handler',
      description: options.description,
      runtime: FUNCTION_RUNTIME,
      architecture: FUNCTION_ARCHITECTURE,
      memorySize: options.memoryMb,
      timeout: options.timeout,
      ...(options.ephemeralStorageMb === undefined ? {} : { ephemeralStorageSize: Size.mebibytes(options.ephemeralStorageMb) }),
      vpc: this.defaults.vpc,
      vpcSubnets: this.defaults.subnets,
      securityGroups: [this.defaults.securityGroup],
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: { ...this.defaults.environment, NODE_OPTIONS: '--enable-source-maps' },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        // Prefer packages' ES module builds: esbuild tree-shakes them, CommonJS builds come in whole.
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        // Maps point at file:line; shipping the sources too would only grow the bundle.
        sourcesContent: false,
        // Bundle the pinned SDK v3 so the code runs against the version it was tested with.
        bundleAwsSDK: true,
        // Only the credential providers the SDK loads lazily and Lambda never reaches; everything else is
        // bundled, and API bundles never pull exceljs.
        externalModules: LAZY_CREDENTIAL_PROVIDERS,
      },
    });
  }
}
