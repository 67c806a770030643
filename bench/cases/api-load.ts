/**
 * The API under load with autocannon against the local stack (own process: HTTP server → API Gateway v2 event →
 * the real handler → Redis Lua / SQS / presigner). Scenarios:
 *  status   GET /v1/tasks/{id} of a succeeded export (a fresh presigned URL on every read: the heaviest status)
 *  register POST /v1/exports, a distinct X-Dev-User per request, so each runs the register Lua script, the SQS
 *           send and returns 202 (not the cheaper 409 path)
 *  mix      alternating register and status requests on every connection
 */
import autocannon, { type RequestSpec } from 'autocannon';
import { runCase } from '../lib/child';
import { api, connectWorker, spawnStack } from '../lib/remote-stack';

await runCase(async (meter, args) => {
  const scenario = String(args.scenario ?? 'status');
  const duration = Number(args.duration ?? 10);
  const connections = Number(args.connections ?? 10);
  const stack = await spawnStack();
  try {
    // One succeeded task to poll: created through the API, run by the real worker.
    const harness = connectWorker(stack.info);
    const owner = 'bench-api-poller';
    const created = await api(stack.info, owner, 'POST', '/v1/exports', { type: 'orders', format: 'csv', params: { rows: 10 } });
    if (created.status !== 202) throw new Error(`POST /v1/exports: ${created.status}`);
    await harness.invoke(await harness.receive());
    const check = await api(stack.info, owner, 'GET', `/v1/tasks/${created.body.id}`);
    if (check.body?.phase !== 'succeeded' || !check.body.url) throw new Error(`seed task is ${check.body?.phase}`);
    harness.redis.disconnect();

    const run = Math.random().toString(36).slice(2, 8);
    let n = 0;
    const register: RequestSpec = {
      method: 'POST',
      path: '/v1/exports',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'orders', format: 'csv', params: { rows: 10 } }),
      setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'x-dev-user': `bench-${run}-${n++}` } }),
    };
    const status: RequestSpec = { method: 'GET', path: `/v1/tasks/${created.body.id}`, headers: { 'x-dev-user': owner } };
    const requests = scenario === 'register' ? [register] : scenario === 'mix' ? [register, status] : [status];

    // Warm-up (JIT, connections, Lua script cache), then the measured run.
    await autocannon({ url: stack.info.url, connections, duration: 1, requests });
    meter.begin();
    const result = await autocannon({ url: stack.info.url, connections, duration, requests });
    meter.finish();
    const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, Number(s.count)]));
    return {
      ok: result.errors === 0 && result.non2xx === 0,
      scenario,
      connections,
      durationSeconds: duration,
      requests: result.requests.total,
      reqPerSec: Math.round(result.requests.average),
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: Math.round(result.latency.mean * 100) / 100 },
      statuses,
      errors: result.errors,
      timeouts: result.timeouts,
      rows: 0,
    };
  } finally {
    await stack.stop();
  }
});
