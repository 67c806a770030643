/** CDK app entry (`npx cdk synth` / `npx cdk deploy`); settings come from context, see docs/DEPLOY.md. */
import { buildApp } from '../lib/build-app';

buildApp().app.synth();
