/**
 * Key layout. Every key of one owner carries the same hash tag, so multi-key scripts run on one slot of a
 * cluster-mode cache (ElastiCache Serverless). The owner is encoded so braces in it cannot break the tag.
 */
import { createHash } from 'node:crypto';

export interface OwnerKeys {
  record(id: string): string;
  active(kind: string, type: string): string;
  activeSet: string;
  recent: string;
  tombstone(id: string): string;
  idempotency(key: string): string;
}

export function ownerKeys(prefix: string, owner: string): OwnerKeys {
  const base = `${prefix}{${encodeURIComponent(owner)}}`;
  return {
    record: (id) => `${base}:task:${id}`,
    active: (kind, type) => `${base}:active:${kind}:${type}`,
    activeSet: `${base}:active`,
    recent: `${base}:recent`,
    tombstone: (id) => `${base}:tomb:${id}`,
    // Hashed: the header is client-chosen and may be long.
    idempotency: (key) => `${base}:idem:${createHash('sha256').update(key).digest('base64url')}`,
  };
}
