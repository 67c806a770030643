/** A tiny HTTP client for tests: talks to the local stack exactly as a frontend would. */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export function apiClient(baseUrl: string, user: string | null) {
  const call = async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> => {
    const init: RequestInit = { method, headers: { ...(user ? { 'x-dev-user': user } : {}), ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  return {
    call,
    createExport: (body: unknown, headers?: Record<string, string>) => call('POST', '/v1/exports', body, headers),
    get: (id: string) => call('GET', `/v1/tasks/${encodeURIComponent(id)}`),
    current: (kind: string, type: string) => call('GET', `/v1/tasks/current?kind=${kind}&type=${type}`),
    list: (query = '') => call('GET', `/v1/tasks${query}`),
    cancel: (id: string) => call('POST', `/v1/tasks/${encodeURIComponent(id)}/cancel`),
    clear: (id: string) => call('DELETE', `/v1/tasks/${encodeURIComponent(id)}`),
    /** Polls until the task leaves the active phases (or `until` holds). */
    async waitFor(id: string, until: (task: any) => boolean = (t) => t.status === 2, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await call('GET', `/v1/tasks/${encodeURIComponent(id)}`);
        if (res.status === 200 && until(res.body)) return res.body;
        if (Date.now() > deadline) throw new Error(`task ${id} did not get there in time; last: ${JSON.stringify(res.body)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
