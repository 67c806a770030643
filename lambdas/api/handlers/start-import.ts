import { startImport } from '../../core/use-cases/start-import';
import { depsFromEnv } from '../../runtime/container';
import { apiHandler, json } from '../http';

export const makeHandler = (getDeps = depsFromEnv) =>
  apiHandler(getDeps, async (request, deps) => json(202, await startImport(deps, request.owner, request.path.id ?? '')));
export const handler = makeHandler();
