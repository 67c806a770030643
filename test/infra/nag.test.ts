/**
 * cdk-nag and IAM: no unacknowledged AwsSolutions finding, no stale acknowledgement, and no wildcard resource on an
 * S3/SQS grant beyond the prefix-scoped ones lib/nag-acknowledgements.ts names. Synthesized with no context,
 * as CI's `cdk synth` runs.
 */
import { Validations, type CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { buildTestApp, readValidationReport, removeSynthOutputs, synth, type Synthesized } from './support/synth';

const PACK = 'AwsSolutions';

let s: Synthesized;
let report: any;
let nag: any;
/** Acknowledged rule ids (namespaced) by construct path. */
let acknowledgements: { path: string; id: string; reason: string }[];

function acknowledgementsOf(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))),
  );
}

beforeAll(() => {
  // Synth throws on an unacknowledged error-level finding; the report below also catches warnings.
  s = synth();
  report = readValidationReport(s.assembly.directory).report;
  nag = report.pluginReports.find((p: any) => p.pluginName === PACK);
  acknowledgements = acknowledgementsOf(s.app);
});

afterAll(removeSynthOutputs);

describe('cdk-nag AwsSolutions', () => {
  it('runs on every synth of the app', () => {
    expect(nag).toBeDefined();
  });

  it('reports no unacknowledged finding, whatever its level', () => {
    const open = (nag.violations as any[]).map((v) => `${v.ruleName} at ${v.violatingConstructs.map((c: any) => c.constructPath).join(', ')}`);
    expect(open).toEqual([]);
    expect(nag.conclusion).toBe('success');
  });

  it('fails the synth when a new finding appears (canary: a queue without TLS enforcement or a DLQ)', () => {
    const { app, stack } = buildTestApp();
    new Queue(stack, 'CanaryQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS[34]/);
  });

  it('gives every acknowledgement a specific reason', () => {
    const nagAcks = acknowledgements.filter((a) => a.id.startsWith(`${PACK}::`));
    expect(nagAcks.length).toBeGreaterThan(0);
    for (const a of nagAcks) expect(a.reason.length, `${a.id} at ${a.path}`).toBeGreaterThan(40);
  });

  it('keeps no stale acknowledgement (each one suppresses a finding at or below its construct)', () => {
    const suppressed = (nag.suppressedViolations as any[]).flatMap((v) =>
      v.violatingConstructs.map((c: any) => ({ rule: `${PACK}::${v.ruleName}`, path: c.constructPath as string })),
    );
    for (const a of acknowledgements.filter((x) => x.id.startsWith(`${PACK}::`))) {
      const used = suppressed.some((f) => f.rule === a.id && (f.path === a.path || f.path.startsWith(`${a.path}/`)));
      expect(used, `${a.id} at ${a.path}`).toBe(true);
    }
  });
});

describe('IAM grants', () => {
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
  const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

  /** Function description -> statements of its role's policies. */
  let statementsByFunction: Record<string, Statement[]>;
  /** Function description -> acknowledged IAM5 resources (`<Logical.Arn>/prefix/*`). */
  let acknowledgedResourcesByFunction: Record<string, string[]>;
  let bucketId: string;

  /** Renders a policy resource the way cdk-nag names it: `<Logical.Arn>/uploads/*`, `*`, or a literal. */
  const render = (r: any): string => {
    if (typeof r === 'string') return r;
    if (r['Fn::GetAtt']) return `<${r['Fn::GetAtt'][0]}.${r['Fn::GetAtt'][1]}>`;
    if (r.Ref) return `<${r.Ref}>`;
    if (r['Fn::Join']) return (r['Fn::Join'][1] as any[]).map(render).join(r['Fn::Join'][0]);
    return JSON.stringify(r);
  };

  beforeAll(() => {
    const resources = s.json.Resources as Record<string, any>;
    bucketId = Object.keys(resources).find((id) => resources[id].Type === 'AWS::S3::Bucket' && id.includes('Files'))!;
    statementsByFunction = {};
    acknowledgedResourcesByFunction = {};
    const pathByLogicalId: Record<string, string> = Object.fromEntries(
      [...Object.values(s.stack.tasks.apiFunctions), s.stack.tasks.worker].map((fn) => [
        s.stack.resolve((fn.node.defaultChild as CfnResource).logicalId) as string,
        fn.node.path,
      ]),
    );
    for (const [id, fn] of Object.entries(resources)) {
      if (fn.Type !== 'AWS::Lambda::Function' || !String(fn.Properties.Description ?? '').startsWith('async-file-tasks')) continue;
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      const name = fn.Properties.Description as string;
      statementsByFunction[name] = Object.values(resources)
        .filter((p: any) => p.Type === 'AWS::IAM::Policy' && p.Properties.Roles.some((r: any) => r.Ref === roleId))
        .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
      const path = pathByLogicalId[id];
      expect(path, id).toBeDefined();
      acknowledgedResourcesByFunction[name] = acknowledgements
        .filter((a) => a.path === path && a.id.startsWith(`${PACK}::${PACK}-IAM5[Resource::`))
        .map((a) => a.id.slice(`${PACK}::${PACK}-IAM5[Resource::`.length, -1));
    }
  });

  it('cover all ten functions', () => {
    expect(Object.keys(statementsByFunction)).toHaveLength(10);
  });

  it('use Resource "*" only for X-Ray, which has no resource-level permissions', () => {
    for (const [fn, statements] of Object.entries(statementsByFunction)) {
      for (const st of statements) {
        if (list(st.Resource).includes('*')) {
          expect(list(st.Action).every((a) => a.startsWith('xray:')), `${fn}: ${JSON.stringify(st.Action)}`).toBe(true);
        }
      }
    }
  });

  it('scope every S3 grant to a task prefix and every SQS grant to the work queue, with no action wildcards', () => {
    for (const [fn, statements] of Object.entries(statementsByFunction)) {
      for (const st of statements) {
        const actions = list(st.Action);
        for (const a of actions) expect(a.includes('*'), `${fn}: ${a}`).toBe(false);
        const resources = list(st.Resource).map(render);
        if (actions.some((a) => a.startsWith('s3:'))) {
          for (const r of resources) expect(r, fn).toMatch(new RegExp(`^<${bucketId}\\.Arn>/(uploads|exports|reports|imports)/\\*$`));
        }
        if (actions.some((a) => a.startsWith('sqs:'))) {
          for (const r of resources) expect(r, fn).toMatch(/^<TasksQueuesQueue[0-9A-F]+\.Arn>$/);
        }
      }
    }
  });

  it('have no wildcard resource beyond what the acknowledgements name', () => {
    for (const [fn, statements] of Object.entries(statementsByFunction)) {
      const wildcards = statements
        .flatMap((st) => list(st.Resource).map(render))
        .filter((r) => r.includes('*') && r !== '*');
      const acked = acknowledgedResourcesByFunction[fn]!;
      for (const r of wildcards) expect(acked, `${fn}: ${r}`).toContain(r);
    }
  });

  it('give each function exactly the S3/SQS/EventBridge actions its job needs', () => {
    const grants = (description: string): string[] => {
      const fn = Object.keys(statementsByFunction).find((d) => d.endsWith(`: ${description}`) || (description === 'worker' && d.includes('worker')));
      expect(fn, description).toBeDefined();
      return statementsByFunction[fn!]!.flatMap((st) => {
        const resources = list(st.Resource).map(render).map((r) => r.replace(/^<[^>]+\.Arn>\//, '').replace(/^<TasksQueues.*/, 'queue'));
        return list(st.Action)
          .filter((a) => !a.startsWith('xray:'))
          .flatMap((a) => resources.map((r) => (a.startsWith('events:') ? a : `${a} ${r}`)));
      }).sort();
    };
    const send = ['sqs:GetQueueAttributes queue', 'sqs:GetQueueUrl queue', 'sqs:SendMessage queue'];
    const download = ['s3:GetObject exports/*', 's3:GetObject reports/*'];
    expect(grants('GET /v1/catalog')).toEqual([]);
    expect(grants('POST /v1/exports')).toEqual(send);
    expect(grants('POST /v1/imports')).toEqual(['s3:PutObject uploads/*']);
    expect(grants('POST /v1/tasks/{id}/start')).toEqual(['s3:DeleteObject uploads/*', 's3:GetObject uploads/*', ...send].sort());
    expect(grants('GET /v1/tasks/{id}')).toEqual(download);
    expect(grants('GET /v1/tasks/current')).toEqual(download);
    expect(grants('GET /v1/tasks')).toEqual(download);
    expect(grants('POST /v1/tasks/{id}/cancel')).toEqual(['events:PutEvents']);
    expect(grants('DELETE /v1/tasks/{id}')).toEqual(['events:PutEvents', 's3:DeleteObject exports/*', 's3:DeleteObject reports/*', 's3:DeleteObject uploads/*'].sort());
    expect(grants('worker')).toEqual(
      [
        'events:PutEvents',
        's3:GetObject uploads/*',
        ...['exports', 'reports', 'imports'].flatMap((p) => [`s3:GetObject ${p}/*`, `s3:PutObject ${p}/*`, `s3:AbortMultipartUpload ${p}/*`, `s3:DeleteObject ${p}/*`]),
        ...['ChangeMessageVisibility', 'DeleteMessage', 'GetQueueAttributes', 'GetQueueUrl', 'ReceiveMessage'].map((a) => `sqs:${a} queue`),
      ].sort(),
    );
  });
});
