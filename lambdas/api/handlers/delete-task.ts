import { clearTask } from '../../core/use-cases/cancel-task';
import { publishingDepsFromEnv } from '../../runtime/publishing-container';
import { apiHandler, noContent } from '../http';

export const makeHandler = (getDeps = publishingDepsFromEnv) =>
  apiHandler(getDeps, async (request, deps) => {
    await clearTask(deps, request.owner, request.path.id ?? '');
    return noContent();
  });
export const handler = makeHandler();
