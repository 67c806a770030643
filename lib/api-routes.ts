/**
 * The HTTP API contract (DESIGN.md): one route, one handler module, one function, and the only AWS access
 * that function gets. The construct builds functions, routes and grants from this table alone.
 */
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';

/** What a function may do beyond reaching the cache; each maps to one scoped IAM grant (task-grants.ts). */
export type Access =
  /** s3:PutObject on uploads/, to presign the browser's PUT. */
  | 'presign-upload'
  /** s3:GetObject (and so HeadObject) on uploads/. */
  | 'read-upload'
  /** s3:GetObject on exports/ and reports/, to presign downloads. */
  | 'presign-download'
  /** s3:DeleteObject on exports/, reports/ and uploads/ (clearing a task). */
  | 'delete-outputs'
  /** s3:DeleteObject on uploads/ (an upload of the wrong size). */
  | 'discard-upload'
  /** s3:GetObject, PutObject, AbortMultipartUpload, DeleteObject on exports/, reports/, imports/. */
  | 'write-outputs'
  /** sqs:SendMessage on the work queue. */
  | 'enqueue'
  /** events:PutEvents on the completion-event bus. */
  | 'publish-events';

export interface ApiRoute {
  /** Construct id of the function and stem of its handler file. */
  readonly name: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly access: readonly Access[];
}

export const API_HANDLERS_DIR = 'lambdas/api/handlers';
export const WORKER_ENTRY = 'lambdas/worker/handler.ts';

export const API_ROUTES: readonly ApiRoute[] = [
  { name: 'catalog', method: HttpMethod.GET, path: '/v1/catalog', access: [] },
  { name: 'create-export', method: HttpMethod.POST, path: '/v1/exports', access: ['enqueue'] },
  { name: 'create-import', method: HttpMethod.POST, path: '/v1/imports', access: ['presign-upload'] },
  { name: 'start-import', method: HttpMethod.POST, path: '/v1/tasks/{id}/start', access: ['read-upload', 'discard-upload', 'enqueue'] },
  { name: 'get-task', method: HttpMethod.GET, path: '/v1/tasks/{id}', access: ['presign-download'] },
  { name: 'current-task', method: HttpMethod.GET, path: '/v1/tasks/current', access: ['presign-download'] },
  { name: 'list-tasks', method: HttpMethod.GET, path: '/v1/tasks', access: ['presign-download'] },
  { name: 'cancel-task', method: HttpMethod.POST, path: '/v1/tasks/{id}/cancel', access: ['publish-events'] },
  { name: 'delete-task', method: HttpMethod.DELETE, path: '/v1/tasks/{id}', access: ['delete-outputs', 'publish-events'] },
];

/** The worker's access; consuming the queue is granted by its event source. */
export const WORKER_ACCESS: readonly Access[] = ['read-upload', 'write-outputs', 'publish-events'];

export function apiHandlerEntry(route: ApiRoute): string {
  return `${API_HANDLERS_DIR}/${route.name}.ts`;
}
