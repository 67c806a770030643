/**
 * Least-privilege grants: explicit actions on explicit key prefixes, rather than the broad `grantRead/Write`
 * helpers (which add `s3:GetObject*`, `s3:List*`, `s3:DeleteObject*` and friends on the whole bucket).
 */
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Access } from './api-routes';
import { PREFIX, type Prefix, type TaskStorage } from './task-storage';

/** S3 object actions and the key prefixes they apply to, per access kind. */
export const OBJECT_GRANTS: Partial<Record<Access, { readonly actions: readonly string[]; readonly prefixes: readonly Prefix[] }>> = {
  'presign-upload': { actions: ['s3:PutObject'], prefixes: [PREFIX.uploads] },
  // GetObject also authorizes HeadObject.
  'read-upload': { actions: ['s3:GetObject'], prefixes: [PREFIX.uploads] },
  'presign-download': { actions: ['s3:GetObject'], prefixes: [PREFIX.exports, PREFIX.reports] },
  // Clearing a task removes its export, its error report and its upload.
  'delete-outputs': { actions: ['s3:DeleteObject'], prefixes: [PREFIX.exports, PREFIX.reports, PREFIX.uploads] },
  // start refuses an upload of the wrong size and removes it, so the user can upload again.
  'discard-upload': { actions: ['s3:DeleteObject'], prefixes: [PREFIX.uploads] },
  // DeleteObject: a task cancelled just as its file completed must not leave the file behind.
  'write-outputs': {
    actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
    prefixes: [PREFIX.exports, PREFIX.reports, PREFIX.imports],
  },
};

/** Prefixes a list of access kinds opens, each once. */
export function objectPrefixes(access: readonly Access[]): Prefix[] {
  return [...new Set(access.flatMap((a) => OBJECT_GRANTS[a]?.prefixes ?? []))];
}

export interface GrantTargets {
  readonly storage: TaskStorage;
  readonly queue: IQueue;
  readonly eventBus: IEventBus;
}

export function grantAccess(grantee: IGrantable, access: Access, targets: GrantTargets): void {
  const objects = OBJECT_GRANTS[access];
  if (objects) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...objects.actions],
        resources: objects.prefixes.map((p) => targets.storage.objectsArn(p)),
      }),
    );
    return;
  }
  switch (access) {
    case 'enqueue':
      targets.queue.grantSendMessages(grantee);
      return;
    case 'publish-events':
      targets.eventBus.grantPutEventsTo(grantee);
      return;
    default:
      throw new Error(`AsyncFileTasks: no grant defined for access "${access}"`);
  }
}
