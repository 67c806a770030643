/** The HTTP API's routes and the handler module of each: the local stack serves these; the CDK stack mirrors them. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  handler: string;
}

export const ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/v1/catalog', handler: 'catalog' },
  { method: 'POST', path: '/v1/exports', handler: 'create-export' },
  { method: 'POST', path: '/v1/imports', handler: 'create-import' },
  { method: 'GET', path: '/v1/tasks/current', handler: 'current-task' },
  { method: 'GET', path: '/v1/tasks', handler: 'list-tasks' },
  { method: 'GET', path: '/v1/tasks/{id}', handler: 'get-task' },
  { method: 'POST', path: '/v1/tasks/{id}/start', handler: 'start-import' },
  { method: 'POST', path: '/v1/tasks/{id}/cancel', handler: 'cancel-task' },
  { method: 'DELETE', path: '/v1/tasks/{id}', handler: 'delete-task' },
];
