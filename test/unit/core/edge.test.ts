/** Pure pieces of the edges: the owner from JWT claims, the download header, settings from the environment. */
import { describe, expect, it } from 'vitest';
import { contentDisposition } from '../../../lambdas/adapters/s3/content-disposition';
import { ownerFromClaims } from '../../../lambdas/api/owner';
import { configFromEnv } from '../../../lambdas/runtime/env-config';

describe('owner from claims', () => {
  it('takes the subject, another claim, or tenant:subject', () => {
    expect(ownerFromClaims({ sub: 'u1' }, {})).toBe('u1');
    expect(ownerFromClaims({ sub: 'u1', email: 'a@b' }, { OWNER_CLAIM: 'email' })).toBe('a@b');
    expect(ownerFromClaims({ sub: 'u1', org: 't9' }, { TENANT_CLAIM: 'org' })).toBe('t9:u1');
  });

  it('refuses missing, empty, non-string and oversized identities', () => {
    expect(ownerFromClaims(undefined, {})).toBeNull();
    expect(ownerFromClaims({}, {})).toBeNull();
    expect(ownerFromClaims({ sub: '' }, {})).toBeNull();
    expect(ownerFromClaims({ sub: ['a'] }, {})).toBeNull();
    expect(ownerFromClaims({ sub: 'x'.repeat(300) }, {})).toBeNull();
    expect(ownerFromClaims({ sub: 'u1' }, { TENANT_CLAIM: 'org' })).toBeNull();
  });
});

describe('Content-Disposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('Q3 orders.xlsx')).toBe(`attachment; filename="Q3 orders.xlsx"; filename*=UTF-8''Q3%20orders.xlsx`);
    const header = contentDisposition('Größe "x"; 名.csv');
    // ö loses its accent, ß and 名 have no ASCII form, quotes and ; would end the parameter.
    expect(header).toBe(`attachment; filename="Gro_e _x__ _.csv"; filename*=UTF-8''Gr%C3%B6%C3%9Fe%20%22x%22%3B%20%E5%90%8D.csv`);
    expect(decodeURIComponent(header.split("UTF-8''")[1]!)).toBe('Größe "x"; 名.csv');
  });
});

describe('settings from the environment', () => {
  it('uses the defaults and refuses nonsense loudly', () => {
    expect(configFromEnv({})).toMatchObject({ taskTtlSeconds: 1800, downloadUrlTtlSeconds: 300, maxActiveTasksPerOwner: 5, maxReceiveCount: 5 });
    expect(configFromEnv({ TASK_TTL_SECONDS: '60', MAX_ACTIVE_TASKS: '2' })).toMatchObject({ taskTtlSeconds: 60, maxActiveTasksPerOwner: 2 });
    expect(() => configFromEnv({ TASK_TTL_SECONDS: 'soon' })).toThrow('TASK_TTL_SECONDS must be an integer');
    expect(() => configFromEnv({ MAX_ACTIVE_TASKS: '0' })).toThrow('MAX_ACTIVE_TASKS must be an integer ≥ 1');
  });
});
