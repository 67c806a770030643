import { listTasks } from '../../core/use-cases/read-tasks';
import { depsFromEnv } from '../../runtime/container';
import { apiHandler, json } from '../http';

export const makeHandler = (getDeps = depsFromEnv) =>
  apiHandler(getDeps, async (request, deps) => json(200, { tasks: await listTasks(deps, request.owner, request.query) }));
export const handler = makeHandler();
