/** The construct's invariants are enforced in code (resolveConfig), not in comments. */
import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { DLQ_RETENTION, resolveConfig, type AsyncFileTasksProps } from '../../lib/config';

const base: AsyncFileTasksProps = {
  jwtIssuer: 'https://idp.example.com/',
  jwtAudience: ['api'],
  corsOrigins: ['https://app.example.com'],
};

describe('resolveConfig', () => {
  it('fills the documented defaults', () => {
    const c = resolveConfig(base);
    expect(c.ownerClaim).toBe('sub');
    expect(c.tenantClaim).toBeUndefined();
    expect(c.taskTtl.toSeconds()).toBe(1800);
    expect(c.workerMemoryMb).toBe(2048);
    expect(c.workerTimeout.toSeconds()).toBe(300);
    expect(c.workerEphemeralStorageMb).toBe(2048);
    expect(c.workerBatchSize).toBe(2);
    expect(c.workerMaxConcurrency).toBe(5);
    expect(c.maxReceiveCount).toBe(5);
    expect(c.dlqRetention.toDays()).toBe(14);
    expect(c.tombstoneTtl.toDays()).toBe(15);
  });

  it('derives the visibility timeout as six times the worker timeout', () => {
    expect(resolveConfig(base).queueVisibilityTimeout.toSeconds()).toBe(1800);
    expect(resolveConfig({ ...base, workerTimeout: Duration.minutes(15) }).queueVisibilityTimeout.toSeconds()).toBe(5400);
  });

  it('refuses a visibility timeout under six times the worker timeout', () => {
    expect(() =>
      resolveConfig({ ...base, workerTimeout: Duration.seconds(300), queueVisibilityTimeout: Duration.seconds(1799) }),
    ).toThrow(/at least 6 x workerTimeout/);
    expect(resolveConfig({ ...base, queueVisibilityTimeout: Duration.hours(1) }).queueVisibilityTimeout.toSeconds()).toBe(3600);
  });

  it('keeps the DLQ retention longer than the queue retention', () => {
    expect(() => resolveConfig({ ...base, queueRetention: DLQ_RETENTION })).toThrow(/shorter than the DLQ retention/);
  });

  it('keeps tombstones at least as long as the DLQ retention', () => {
    expect(() => resolveConfig({ ...base, tombstoneTtl: Duration.days(13) })).toThrow(/tombstoneTtl/);
  });

  it('enforces AWS limits on the event source', () => {
    expect(() => resolveConfig({ ...base, workerMaxConcurrency: 1 })).toThrow(/workerMaxConcurrency/);
    expect(() => resolveConfig({ ...base, workerBatchSize: 11 })).toThrow(/workerBatchSize/);
    expect(() => resolveConfig({ ...base, workerTimeout: Duration.minutes(16) })).toThrow(/workerTimeout/);
  });

  it('keeps exports at least as long as the task that hands out their URL', () => {
    expect(() => resolveConfig({ ...base, taskTtl: Duration.days(2), exportRetentionDays: 1 })).toThrow(/exportRetentionDays/);
  });

  it('rejects malformed identity and CORS settings', () => {
    expect(() => resolveConfig({ ...base, jwtIssuer: 'http://idp.example.com/' })).toThrow(/jwtIssuer/);
    expect(() => resolveConfig({ ...base, jwtAudience: [] })).toThrow(/jwtAudience/);
    expect(() => resolveConfig({ ...base, corsOrigins: ['https://app.example.com/'] })).toThrow(/not an origin/);
    expect(() => resolveConfig({ ...base, alarmEmail: 'nobody' })).toThrow(/alarmEmail/);
  });
});
