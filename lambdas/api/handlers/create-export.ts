import { registerExport } from '../../core/use-cases/register-export';
import { depsFromEnv } from '../../runtime/container';
import { apiHandler, json } from '../http';

export const makeHandler = (getDeps = depsFromEnv) =>
  apiHandler(getDeps, async (request, deps) => {
    const { outcome, task } = await registerExport(deps, {
      owner: request.owner,
      body: request.body,
      idempotencyKey: request.headers['idempotency-key'] ?? null,
      traceId: request.traceId,
    });
    return json(outcome === 'created' ? 202 : 200, task, { location: `/v1/tasks/${task.id}` });
  });
export const handler = makeHandler();
