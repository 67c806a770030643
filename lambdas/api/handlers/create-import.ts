import { registerImport } from '../../core/use-cases/register-import';
import { depsFromEnv } from '../../runtime/container';
import { apiHandler, json } from '../http';

/** 201 (200 for a repeated Idempotency-Key): the task view plus `upload: { url, method, headers, expiresAt }`. */
export const makeHandler = (getDeps = depsFromEnv) =>
  apiHandler(getDeps, async (request, deps) => {
    const { outcome, task } = await registerImport(deps, {
      owner: request.owner,
      body: request.body,
      idempotencyKey: request.headers['idempotency-key'] ?? null,
      traceId: request.traceId,
    });
    return json(outcome === 'created' ? 201 : 200, task, { location: `/v1/tasks/${task.id}` });
  });
export const handler = makeHandler();
