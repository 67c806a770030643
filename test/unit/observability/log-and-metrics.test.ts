/** Owner handling in log lines, the event detail (view minus URLs) and the EMF adapter's documents. */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { EmfTaskMetrics } from '../../../lambdas/adapters/metrics/emf-task-metrics';
import type { CoreConfig } from '../../../lambdas/core/config';
import type { TaskRecord } from '../../../lambdas/core/task';
import { eventDetail } from '../../../lambdas/core/use-cases/task-events';
import { ownerForLog, ownerLogMode, taskLogKeys } from '../../../lambdas/runtime/logger';
import { captureStdout, emfProblems } from '../../support/stdout-capture';

const saved = process.env.LOG_OWNER;
afterEach(() => {
  if (saved === undefined) delete process.env.LOG_OWNER;
  else process.env.LOG_OWNER = saved;
});

describe('owner in log lines', () => {
  it('is a sha256 prefix by default, plain or left out as LOG_OWNER says', () => {
    delete process.env.LOG_OWNER;
    expect(ownerLogMode()).toBe('hash');
    expect(ownerForLog('alice')).toBe(createHash('sha256').update('alice').digest('hex').slice(0, 16));
    process.env.LOG_OWNER = 'plain';
    expect(ownerForLog('alice')).toBe('alice');
    process.env.LOG_OWNER = 'omit';
    expect(ownerForLog('alice')).toBeUndefined();
    expect(taskLogKeys({ taskId: 't', owner: 'alice', kind: 'export', type: 'orders', traceId: 'x' }, 2)).toEqual({ taskId: 't', kind: 'export', type: 'orders', attempt: 2, traceId: 'x' });
    process.env.LOG_OWNER = 'nonsense';
    expect(ownerLogMode()).toBe('hash');
  });
});

describe('event detail', () => {
  it('is the task view without url and errorReportUrl, plus the owner', () => {
    const task: TaskRecord = {
      id: 'id-1', owner: 'org:bob', kind: 'import', type: 'contacts', format: 'csv', fileName: 'c.csv', params: {}, phase: 'succeeded',
      message: 'Imported 3 rows; 1 rejected', processed: 4, total: 4,
      result: { total: 4, imported: 3, rejected: 1, dryRun: false, errorReportKey: 'reports/x.csv', errorReportFormat: 'csv' },
      attempts: 1, createdAt: 1_000, startedAt: 2_000, finishedAt: 3_000, updatedAt: 3_000, traceId: '1-a-b', objectKey: null,
      upload: { key: 'uploads/x', size: 10 }, dryRun: false,
    };
    const detail = eventDetail(task, { taskTtlSeconds: 1800 } as CoreConfig);
    expect(detail).not.toHaveProperty('url');
    expect(detail.result).toEqual({ total: 4, imported: 3, rejected: 1, dryRun: false });
    expect(JSON.stringify(detail)).not.toMatch(/errorReport|uploads\//);
    expect(detail).toMatchObject({ id: 'id-1', owner: 'org:bob', phase: 'succeeded', status: 2, state: true, traceId: '1-a-b', finishedAt: new Date(3_000).toISOString() });
  });
});

describe('EMF adapter', () => {
  it('writes one valid document per kind/type with [service, kind, type] and [service], and nothing when idle', () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'false'; // read when the adapter is built
    const metrics = new EmfTaskMetrics({ namespace: 'AsyncFileTasks', serviceName: 'svc' });
    const out = captureStdout();
    try {
      metrics.add('TasksSucceeded', 1, { kind: 'export', type: 'orders' });
      metrics.add('RowsProduced', 120, { kind: 'export', type: 'orders' });
      metrics.add('TaskDuration', 15, { kind: 'export', type: 'orders' });
      metrics.add('TaskDuration', 25, { kind: 'export', type: 'orders' });
      metrics.add('TasksFailed', 1, { kind: 'import', type: 'contacts' });
      metrics.flush();
      metrics.flush();
    } finally {
      out.stop();
    }
    const docs = out.emf();
    expect(docs).toHaveLength(2);
    expect(out.lines().filter((l) => !('_aws' in l))).toEqual([]);
    for (const doc of docs) expect(emfProblems(doc)).toEqual([]);
    const [exports, imports] = docs;
    expect(exports).toMatchObject({ service: 'svc', kind: 'export', type: 'orders', TasksSucceeded: 1, RowsProduced: 120, TaskDuration: [15, 25] });
    expect(exports!._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: 'AsyncFileTasks',
      Dimensions: [['service', 'kind', 'type'], ['service']],
      Metrics: [
        { Name: 'TasksSucceeded', Unit: 'Count' },
        { Name: 'RowsProduced', Unit: 'Count' },
        { Name: 'TaskDuration', Unit: 'Milliseconds' },
      ],
    });
    expect(imports).toMatchObject({ kind: 'import', type: 'contacts', TasksFailed: 1 });
  });
});
