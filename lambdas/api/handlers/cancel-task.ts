import { cancelTask } from '../../core/use-cases/cancel-task';
import { publishingDepsFromEnv } from '../../runtime/publishing-container';
import { apiHandler, json } from '../http';

export const makeHandler = (getDeps = publishingDepsFromEnv) =>
  apiHandler(getDeps, async (request, deps) => json(202, await cancelTask(deps, request.owner, request.path.id ?? '')));
export const handler = makeHandler();
