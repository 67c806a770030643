/** Context keys (`-c key=value` or cdk.json) map onto construct props; placeholders are flagged. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, PLACEHOLDER_JWT_ISSUER, settingsFromContext } from '../../lib/context-props';
import { PROJECT_ROOT } from '../../lib/task-function';

const fromContext = (context: Record<string, unknown>) => settingsFromContext({ tryGetContext: (key: string) => context[key] });

describe('settingsFromContext', () => {
  it('works with no context, using placeholders and saying so', () => {
    const { stackName, stackProps, warnings } = fromContext({});
    expect(stackName).toBe('AsyncFileTasks');
    expect(stackProps.tasks.jwtIssuer).toBe(PLACEHOLDER_JWT_ISSUER);
    expect(warnings.join('\n')).toMatch(/jwtIssuer/);
    expect(warnings.join('\n')).toMatch(/corsOrigins/);
  });

  it('parses command-line strings', () => {
    const { stackName, stackProps, warnings } = fromContext({
      stackName: 'Files-Prod',
      jwtIssuer: 'https://idp.example.com/',
      jwtAudience: 'api, web',
      corsOrigins: 'https://a.example.com,https://b.example.com',
      ownerClaim: 'email',
      tenantClaim: 'org_id',
      taskTtlSeconds: '3600',
      workerTimeoutSeconds: '600',
      workerMemoryMb: '3008',
      workerMaxConcurrency: '10',
      maxReceiveCount: '3',
      exportRetentionDays: '3',
      importMaxBytes: '1048576',
      logRetentionDays: '90',
      removalPolicy: 'destroy',
      alarmEmail: 'ops@example.com',
      eventBusName: 'tasks',
    });
    expect(warnings).toEqual([]);
    expect(stackName).toBe('Files-Prod');
    const t = stackProps.tasks;
    expect(t.jwtAudience).toEqual(['api', 'web']);
    expect(t.corsOrigins).toEqual(['https://a.example.com', 'https://b.example.com']);
    expect(t.ownerClaim).toBe('email');
    expect(t.tenantClaim).toBe('org_id');
    expect(t.taskTtl?.toSeconds()).toBe(3600);
    expect(t.workerTimeout?.toSeconds()).toBe(600);
    expect(t.workerMemoryMb).toBe(3008);
    expect(t.workerMaxConcurrency).toBe(10);
    expect(t.maxReceiveCount).toBe(3);
    expect(t.exportRetentionDays).toBe(3);
    expect(t.importMaxBytes).toBe(1_048_576);
    expect(t.logRetention).toBe(RetentionDays.THREE_MONTHS);
    expect(t.removalPolicy).toBe(RemovalPolicy.DESTROY);
    expect(t.alarmEmail).toBe('ops@example.com');
    expect(stackProps.eventBusName).toBe('tasks');
  });

  it('accepts JSON values from cdk.json', () => {
    const { stackProps } = fromContext({ jwtAudience: ['a', 'b'], workerBatchSize: 4 });
    expect(stackProps.tasks.jwtAudience).toEqual(['a', 'b']);
    expect(stackProps.tasks.workerBatchSize).toBe(4);
  });

  it('rejects values that are not what the key needs', () => {
    expect(() => fromContext({ workerMemoryMb: 'lots' })).toThrow(/workerMemoryMb/);
    expect(() => fromContext({ logRetentionDays: '42' })).toThrow(/logRetentionDays/);
    expect(() => fromContext({ removalPolicy: 'snapshot' })).toThrow(/removalPolicy/);
  });

  it('reads only keys documented in docs/DEPLOY.md', () => {
    const doc = readFileSync(join(PROJECT_ROOT, 'docs/DEPLOY.md'), 'utf8');
    for (const key of CONTEXT_KEYS) expect(doc, key).toContain(`\`${key}\``);
  });
});
