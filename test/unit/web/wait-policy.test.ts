/** waitForTask's polling policy (backoff, Retry-After, abort) with a scripted fetch and recorded delays. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, parseRetryAfter, type TaskView } from '../../../web/src/client';

/** A fetch that answers the task endpoint from a script, one response per call. */
function scriptedFetch(responses: (() => Response)[]) {
  let i = 0;
  return vi.fn(async () => {
    const next = responses[Math.min(i++, responses.length - 1)]!;
    return next();
  });
}
const taskResponse = (phase: TaskView['phase'], processed: number) => () =>
  new Response(JSON.stringify({ id: 't1', kind: 'export', type: 'orders', format: 'csv', fileName: 'f.csv', phase, status: phase === 'running' ? 1 : 2, state: phase === 'succeeded', message: null, url: null, progress: { processed, total: 100, percent: processed }, result: null }), { status: 200, headers: { 'content-type': 'application/json' } });

describe('waitForTask polling policy', () => {
  let delays: number[];
  afterEach(() => vi.restoreAllMocks());
  const recordDelays = () => {
    delays = [];
    const real = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return real(fn, 0);
    }) as typeof setTimeout);
  };

  it('backs off ×1.5 from 1 s up to 10 s while nothing moves, and resets when progress moves', async () => {
    recordDelays();
    const still = taskResponse('running', 10);
    const fetch = scriptedFetch([still, still, still, still, still, still, still, still, taskResponse('running', 20), taskResponse('running', 20), taskResponse('succeeded', 100)]);
    const api = createClient({ baseUrl: 'http://api', fetch });
    const done = await api.waitForTask('t1');
    expect(done.phase).toBe('succeeded');
    expect(delays).toEqual([1000, 1500, 2250, 3375, 5062.5, 7593.75, 10000, 10000, 1000, 1500]);
  });

  it('honours Retry-After on 429 and 503', async () => {
    recordDelays();
    const throttled = () => new Response(JSON.stringify({ error: { code: 'too_many_requests', message: 'slow down' } }), { status: 429, headers: { 'retry-after': '7' } });
    const unavailable = () => new Response(JSON.stringify({ error: { code: 'unavailable', message: 'later' } }), { status: 503, headers: { 'retry-after': '2' } });
    const api = createClient({ baseUrl: 'http://api', fetch: scriptedFetch([throttled, unavailable, taskResponse('succeeded', 100)]) });
    expect((await api.waitForTask('t1')).phase).toBe('succeeded');
    expect(delays).toEqual([7000, 2000]);
  });

  it('rejects with an AbortError when aborted between polls, and at once when already aborted', async () => {
    const api = createClient({ baseUrl: 'http://api', fetch: scriptedFetch([taskResponse('running', 1)]) });
    const controller = new AbortController();
    const onProgress = vi.fn(() => controller.abort());
    await expect(api.waitForTask('t1', { signal: controller.signal, onProgress })).rejects.toMatchObject({ name: 'AbortError' });
    expect(onProgress).toHaveBeenCalledTimes(1);
    await expect(api.waitForTask('t1', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(10);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
