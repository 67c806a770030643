/**
 * Builds the CDK app: the stack from context, and cdk-nag's AwsSolutions pack validating every synth.
 * Shared by bin/app.ts and the infrastructure tests, so the tests check exactly what `cdk synth` produces.
 */
import { Annotations, App, Tags, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AsyncFileTasksStack } from './async-file-tasks-stack';
import { settingsFromContext } from './context-props';

export interface BuiltApp {
  readonly app: App;
  readonly stack: AsyncFileTasksStack;
}

export function buildApp(appProps?: AppProps): BuiltApp {
  const app = new App(appProps);
  const { stackName, stackProps, warnings } = settingsFromContext(app.node);
  const stack = new AsyncFileTasksStack(app, stackName, stackProps);
  Tags.of(stack).add('project', 'async-file-tasks');
  for (const warning of warnings) Annotations.of(stack).addWarningV2('async-file-tasks:context-default', warning);
  // Findings fail synth unless acknowledged (lib/nag-acknowledgements.ts).
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
