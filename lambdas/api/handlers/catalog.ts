import { describeCatalog } from '../../catalog/registry';
import { depsFromEnv } from '../../runtime/container';
import { apiHandler, json } from '../http';

export const makeHandler = (getDeps = depsFromEnv) => apiHandler(getDeps, async () => json(200, describeCatalog()));
export const handler = makeHandler();
