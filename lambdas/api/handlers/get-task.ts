import { getTask } from '../../core/use-cases/read-tasks';
import { depsFromEnv } from '../../runtime/container';
import { apiHandler, json } from '../http';

export const makeHandler = (getDeps = depsFromEnv) =>
  apiHandler(getDeps, async (request, deps) => json(200, await getTask(deps, request.owner, request.path.id ?? '')));
export const handler = makeHandler();
