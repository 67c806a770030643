/**
 * Issue 8 in the template: the dashboard (its widgets and the metrics they plot), the completion-event grants
 * (only events:PutEvents, only on the configured bus, only for the functions that publish) and the alarms the
 * operations guide documents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeSynthOutputs, synth, type Synthesized } from './support/synth';

type Resources = Record<string, { Type: string; Properties: any }>;

let s: Synthesized;
let custom: Synthesized;

beforeAll(() => {
  s = synth();
  custom = synth({ context: { eventBusName: 'integrations' } });
}, 120_000);
afterAll(removeSynthOutputs);

const ofType = (json: Record<string, any>, type: string): Resources =>
  Object.fromEntries(Object.entries(json.Resources as Resources).filter(([, r]) => r.Type === type));

/** The dashboard body with CloudFormation references rendered as `<LogicalId>` / `<AWS::Region>`. */
function dashboardBody(json: Record<string, any>): any {
  const [dashboard] = Object.values(ofType(json, 'AWS::CloudWatch::Dashboard'));
  const body = dashboard!.Properties.DashboardBody;
  const render = (part: any): string => {
    if (typeof part === 'string') return part;
    if (part.Ref) return `<${part.Ref}>`;
    if (part['Fn::GetAtt']) return `<${part['Fn::GetAtt'].join('.')}>`;
    throw new Error(`unexpected token ${JSON.stringify(part)}`);
  };
  const text = typeof body === 'string' ? body : (body['Fn::Join'][1] as any[]).map(render).join(body['Fn::Join'][0]);
  return JSON.parse(text);
}

const widgets = () => dashboardBody(s.json).widgets as any[];
const byTitle = (title: RegExp) => {
  const found = widgets().filter((w) => title.test(w.properties.title ?? ''));
  expect(found, String(title)).toHaveLength(1);
  return found[0]!;
};
/** Each metric line of a widget as "Namespace/Name stat", expressions as their text. */
const lines = (widget: any): string[] =>
  (widget.properties.metrics as any[]).map((m) => {
    const options = typeof m[m.length - 1] === 'object' && !Array.isArray(m[m.length - 1]) ? m[m.length - 1] : {};
    if (options.expression) return `expr ${options.expression}`;
    const name = m[0] === '.' ? '.' : `${m[0]}/${m[1]}`;
    return `${name} ${options.stat ?? ''}`.trim();
  });

describe('dashboard', () => {
  it('exists once', () => {
    expect(Object.keys(ofType(s.json, 'AWS::CloudWatch::Dashboard'))).toHaveLength(1);
  });

  it('plots throughput from the EMF metrics, summed over every kind and type', () => {
    const throughput = byTitle(/^Throughput/);
    expect(lines(throughput)).toEqual(['AsyncFileTasks/TasksRegistered Sum', 'AsyncFileTasks/TasksSucceeded Sum', 'AsyncFileTasks/TasksFailed Sum', 'AsyncFileTasks/TasksCancelled Sum']);
    for (const m of throughput.properties.metrics) expect(m.slice(2, 4)).toEqual(['service', 'async-file-tasks']);
  });

  it('plots errors: the worker, the API functions, API 5xx, DLQ arrivals', () => {
    const errors = lines(byTitle(/^Errors/));
    expect(errors).toContain('AWS/Lambda/Errors Sum');
    expect(errors).toContain('AWS/ApiGateway/5xx Sum');
    expect(errors).toContain('AsyncFileTasks/DlqArrivals Sum');
    expect(errors.some((l) => /^expr m0( \+ m\d)+$/.test(l))).toBe(true);
  });

  it('plots task duration and queue wait percentiles', () => {
    expect(lines(byTitle(/^Task duration/))).toEqual(['AsyncFileTasks/TaskDuration p50', 'AsyncFileTasks/TaskDuration p90', 'AsyncFileTasks/TaskDuration p99']);
    expect(lines(byTitle(/^Queue wait/))).toEqual(['AsyncFileTasks/QueueWait p50', 'AsyncFileTasks/QueueWait p90', 'AsyncFileTasks/QueueWait p99']);
  });

  it('plots queue depth, the age of the oldest message and the DLQ depth', () => {
    const queue = byTitle(/^Queue depth/).properties.metrics as any[];
    const names = queue.map((m) => m[1]);
    expect(names).toEqual(['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateAgeOfOldestMessage']);
    expect(queue.every((m) => String(m[3]).includes('Queue') && !String(m[3]).includes('DeadLetter'))).toBe(true);
    const dlq = byTitle(/^Dead-letter/).properties.metrics as any[];
    expect(dlq.map((m) => m[1])).toEqual(['ApproximateNumberOfMessagesVisible']);
    expect(String(dlq[0][3])).toContain('DeadLetter');
  });

  it('shows the state of every alarm', () => {
    const alarmIds = Object.keys(ofType(s.json, 'AWS::CloudWatch::Alarm'));
    expect(alarmIds).toHaveLength(3);
    const status = widgets().find((w) => w.type === 'alarm')!;
    expect((status.properties.alarms as string[]).map((a) => a.replace(/^<(.+)\.Arn>$/, '$1')).sort()).toEqual(alarmIds.sort());
  });
});

describe('alarms the operations guide documents', () => {
  it('are DLQ not empty, worker errors and oldest message age, each with a description', () => {
    const alarms = Object.entries(ofType(s.json, 'AWS::CloudWatch::Alarm'));
    const ids = alarms.map(([id]) => id);
    for (const name of ['DlqNotEmpty', 'WorkerErrors', 'OldestMessageAge']) expect(ids.some((id) => id.includes(name)), name).toBe(true);
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmDescription).toMatch(/\w+/);
  });
});

describe('completion-event grants', () => {
  /** Every IAM statement that mentions an events: action, with the role it is attached to. */
  const eventStatements = (json: Record<string, any>) =>
    Object.values(ofType(json, 'AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as any[])
        .filter((st) => [st.Action].flat().some((a: string) => a.startsWith('events:')))
        .map((st) => ({ statement: st, roles: policy.Properties.Roles.map((r: any) => r.Ref as string) })),
    );
  const functionRoles = (json: Record<string, any>, match: (description: string) => boolean) =>
    Object.values(ofType(json, 'AWS::Lambda::Function'))
      .filter((f) => match(String(f.Properties.Description ?? '')))
      .map((f) => f.Properties.Role['Fn::GetAtt'][0] as string);

  const busArn = (statement: any) => JSON.stringify(statement.Resource);

  it('allow only events:PutEvents on the default bus, to the worker, cancel and delete only', () => {
    const statements = eventStatements(s.json);
    expect(statements.length).toBeGreaterThan(0);
    for (const { statement } of statements) {
      expect([statement.Action].flat()).toEqual(['events:PutEvents']);
      expect(statement.Effect).toBe('Allow');
      expect(busArn(statement)).toMatch(/:event-bus\/default"/);
      expect(busArn(statement)).not.toContain('*');
    }
    const publishers = functionRoles(s.json, (d) => /worker|POST \/v1\/tasks\/\{id\}\/cancel|DELETE \/v1\/tasks\/\{id\}/.test(d)).sort();
    expect(publishers).toHaveLength(3);
    expect([...new Set(statements.flatMap((st) => st.roles))].sort()).toEqual(publishers);
  });

  it('follow a configured bus, and the functions are told its name', () => {
    const statements = eventStatements(custom.json);
    for (const { statement } of statements) {
      expect([statement.Action].flat()).toEqual(['events:PutEvents']);
      expect(busArn(statement)).toMatch(/:event-bus\/integrations"/);
    }
    const env = Object.values(ofType(custom.json, 'AWS::Lambda::Function'))
      .filter((f) => String(f.Properties.Description ?? '').startsWith('async-file-tasks'))
      .map((f) => f.Properties.Environment.Variables);
    for (const vars of env) {
      expect(vars.EVENT_BUS_NAME).toBe('integrations');
      expect(vars.POWERTOOLS_METRICS_NAMESPACE).toBe('AsyncFileTasks');
    }
  });
});
