/**
 * A typed client for the async-file-tasks HTTP API (see DESIGN.md), for browsers and Node 20+.
 * No runtime dependencies: fetch, AbortSignal and (in browsers) XMLHttpRequest for upload progress.
 *
 *   const api = createClient({ baseUrl: '', headers: async () => ({ Authorization: `Bearer ${await token()}` }) });
 *   const task = await api.startExport({ type: 'orders', format: 'xlsx', params: { rows: 5000 } });
 *   const done = await api.waitForTask(task.id, { onProgress: (t) => render(t) });
 *   if (done.state) location.href = done.url!;
 */

export type TaskKind = 'export' | 'import';
export type FileFormat = 'xlsx' | 'csv';
export type Phase = 'awaiting_upload' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const ACTIVE_PHASES: readonly Phase[] = ['awaiting_upload', 'queued', 'running'];
export const FINAL_PHASES: readonly Phase[] = ['succeeded', 'failed', 'cancelled'];

export interface ExportResult {
  rows: number;
  bytes: number;
  sheets: number;
}

export interface ImportResult {
  total: number;
  imported: number;
  rejected: number;
  /** Presigned, short-lived: a fresh one comes with every read of the task. */
  errorReportUrl: string | null;
  dryRun: boolean;
}

export interface TaskProgress {
  processed: number;
  total: number | null;
  percent: number | null;
}

/** The task view every task endpoint returns. */
export interface TaskView<R extends ExportResult | ImportResult = ExportResult | ImportResult> {
  id: string;
  kind: TaskKind;
  type: string;
  format: FileFormat;
  fileName: string;
  phase: Phase;
  /** 0 not started, 1 processing, 2 completed (succeeded, failed or cancelled). */
  status: 0 | 1 | 2;
  /** true once succeeded. */
  state: boolean;
  /** Human-readable outcome or error. */
  message: string | null;
  /** Presigned download URL once succeeded; fresh on every read, short-lived. */
  url: string | null;
  progress: TaskProgress;
  result: R | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string;
  traceId: string;
}

export type ExportTask = TaskView<ExportResult>;
export type ImportTask = TaskView<ImportResult>;

export interface PresignedUpload {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

/** POST /v1/imports: the task (phase awaiting_upload) and where to PUT the file. */
export type CreatedImport = ImportTask & { upload: PresignedUpload };

/** The subset of JSON Schema the catalog's parameter schemas use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  title?: string;
  description?: string;
  additionalProperties?: boolean | JsonSchema;
  [key: string]: unknown;
}

export interface CatalogExport {
  name: string;
  title: string;
  formats: FileFormat[];
  params: JsonSchema;
  columns: { key: string; header: string; type: string }[];
}

export interface CatalogImport {
  name: string;
  title: string;
  formats: FileFormat[];
  columns: { key: string; header: string; aliases: string[]; required: boolean }[];
}

export interface Catalog {
  exports: CatalogExport[];
  imports: CatalogImport[];
}

/** A field error in `details` of a 400 validation_failed. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Every failed call: the API's `{ error: { code, message, details? } }`, plus the HTTP status.
 * Client-side failures use status 0 and codes `network_error` / `upload_failed` / `invalid_response`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** 409 task_active: the owner's running task of that type, to attach to. */
  readonly task?: TaskView;
  /** 429 / 503: seconds the server asked us to wait. */
  readonly retryAfterSeconds?: number;

  constructor(init: { status: number; code: string; message: string; details?: unknown; task?: TaskView; retryAfterSeconds?: number; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    if (init.task) this.task = init.task;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** `details` as field errors when it is a list of them (400 validation_failed), else []. */
  get fieldErrors(): FieldError[] {
    return Array.isArray(this.details) ? (this.details as unknown[]).filter((d): d is FieldError => typeof d === 'object' && d !== null && 'field' in d && 'message' in d) : [];
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;
export const isAbortError = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
export const isActive = (task: Pick<TaskView, 'phase'>): boolean => ACTIVE_PHASES.includes(task.phase);
export const isFinal = (task: Pick<TaskView, 'phase'>): boolean => FINAL_PHASES.includes(task.phase);

type HeaderMap = Record<string, string>;
type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Where the API lives, without /v1 (e.g. "https://api.example.com"; "" for the page's own origin). */
  baseUrl: string;
  /** Extra headers for every API call, e.g. `{ Authorization: 'Bearer …' }`; called before each request. */
  headers?: HeaderMap | (() => HeaderMap | Promise<HeaderMap>);
  /** Alias of `headers` for auth providers. */
  getAuthHeaders?: () => HeaderMap | Promise<HeaderMap>;
  /** Custom fetch (tests, instrumentation). Defaults to the global fetch. */
  fetch?: FetchLike;
}

export interface StartExportInput {
  type: string;
  format: FileFormat;
  params?: Record<string, unknown>;
  /** Without extension; the service adds it. */
  fileName?: string;
}

export interface StartImportOptions {
  type: string;
  dryRun?: boolean;
  /** Overrides `file.name`. */
  fileName?: string;
  /** The same key returns the same import task (e.g. a retried request). */
  idempotencyKey?: string;
  onUploadProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Called with every task read while waiting (including the final one). */
  onProgress?: (task: TaskView) => void;
  /** First delay between polls, and the delay again whenever progress moves. Default 1000. */
  minDelayMs?: number;
  /** Ceiling of the backoff. Default 10000. */
  maxDelayMs?: number;
  /** Backoff multiplier while nothing moves. Default 1.5. */
  factor?: number;
}

export interface ListTasksQuery {
  kind?: TaskKind;
  type?: string;
  limit?: number;
}

export interface Client {
  catalog(): Promise<Catalog>;
  /** 202 + task; the same idempotency key returns the same task. Throws ApiError `task_active` (with `.task`) on 409. */
  startExport(input: StartExportInput, options?: { idempotencyKey?: string; signal?: AbortSignal }): Promise<ExportTask>;
  /** Registers the import, uploads the file to its presigned URL (with progress), starts it; returns the task. */
  startImport(file: Blob & { name?: string }, options: StartImportOptions): Promise<ImportTask>;
  /** The lower-level steps of startImport. */
  createImport(input: { type: string; fileName: string; size: number; dryRun?: boolean }, options?: { idempotencyKey?: string; signal?: AbortSignal }): Promise<CreatedImport>;
  upload(upload: PresignedUpload, file: Blob, options?: { onProgress?: (loaded: number, total: number) => void; signal?: AbortSignal }): Promise<void>;
  startTask(id: string, options?: { signal?: AbortSignal }): Promise<ImportTask>;
  getTask(id: string, options?: { signal?: AbortSignal }): Promise<TaskView>;
  /** The owner's active or latest uncleared task of that type; null when there is none. */
  currentTask(kind: TaskKind, type: string, options?: { signal?: AbortSignal }): Promise<TaskView | null>;
  listTasks(query?: ListTasksQuery, options?: { signal?: AbortSignal }): Promise<TaskView[]>;
  /** Polls until the task is final (succeeded, failed or cancelled) and returns it; rejects with an AbortError when aborted. */
  waitForTask(id: string, options?: WaitOptions): Promise<TaskView>;
  cancel(id: string): Promise<TaskView>;
  /** Cancels if active and removes the task (and its file). */
  clear(id: string): Promise<void>;
}

/** Headers a browser sets itself and refuses from scripts (presigned uploads may list Content-Length). */
const FORBIDDEN_HEADERS = new Set(['content-length', 'host', 'connection', 'keep-alive', 'transfer-encoding', 'expect', 'te', 'trailer', 'upgrade', 'date', 'origin', 'referer', 'cookie']);

export function abortError(): Error {
  return typeof DOMException === 'function' ? new DOMException('The operation was aborted', 'AbortError') : Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

/** Resolves after `ms`, or rejects with an AbortError as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After as seconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let body: { error?: { code?: string; message?: string; details?: unknown }; task?: TaskView } | null = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const retryAfterSeconds = parseRetryAfter(res.headers.get('retry-after'));
  return new ApiError({
    status: res.status,
    code: body?.error?.code ?? `http_${res.status}`,
    message: body?.error?.message ?? (text.slice(0, 200) || res.statusText || `HTTP ${res.status}`),
    details: body?.error?.details,
    task: body?.task,
    retryAfterSeconds,
  });
}

function putWithXhr(upload: PresignedUpload, file: Blob, headers: HeaderMap, onProgress?: (loaded: number, total: number) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method ?? 'PUT', upload.url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(file.size, file.size);
        resolve();
      } else reject(new ApiError({ status: xhr.status, code: 'upload_failed', message: `The upload was refused (HTTP ${xhr.status})`, details: xhr.responseText?.slice(0, 500) || undefined }));
    };
    xhr.onerror = () => {
      done();
      reject(new ApiError({ status: 0, code: 'upload_failed', message: 'The upload failed (network error or CORS)' }));
    };
    xhr.onabort = () => {
      done();
      reject(abortError());
    };
    xhr.send(file);
  });
}

export function createClient(options: ClientOptions): Client {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function extraHeaders(): Promise<HeaderMap> {
    const h = options.headers;
    const fromHeaders = typeof h === 'function' ? await h() : (h ?? {});
    const fromAuth = options.getAuthHeaders ? await options.getAuthHeaders() : {};
    return { ...fromHeaders, ...fromAuth };
  }

  async function send(method: string, path: string, init: { body?: unknown; headers?: HeaderMap; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: HeaderMap = { accept: 'application/json', ...(await extraHeaders()), ...init.headers };
    const request: RequestInit = { method, headers };
    if (init.signal) request.signal = init.signal;
    if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      request.body = JSON.stringify(init.body);
    }
    try {
      return await doFetch(`${base}${path}`, request);
    } catch (error) {
      if (init.signal?.aborted || isAbortError(error)) throw abortError();
      throw new ApiError({ status: 0, code: 'network_error', message: `Could not reach the API: ${(error as Error)?.message ?? String(error)}`, cause: error });
    }
  }

  async function call<T>(method: string, path: string, init: { body?: unknown; headers?: HeaderMap; signal?: AbortSignal } = {}): Promise<T> {
    const res = await send(method, path, init);
    if (!res.ok) throw await toApiError(res);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch (error) {
      throw new ApiError({ status: res.status, code: 'invalid_response', message: 'The API answered with something that is not JSON', cause: error });
    }
  }

  const taskPath = (id: string) => `/v1/tasks/${encodeURIComponent(id)}`;

  const client: Client = {
    catalog: () => call<Catalog>('GET', '/v1/catalog'),

    startExport: (input, opts = {}) =>
      call<ExportTask>('POST', '/v1/exports', {
        body: input,
        headers: opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {},
        signal: opts.signal,
      }),

    createImport: (input, opts = {}) =>
      call<CreatedImport>('POST', '/v1/imports', {
        body: input,
        headers: opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {},
        signal: opts.signal,
      }),

    async upload(upload, file, opts = {}) {
      const headers: HeaderMap = {};
      for (const [name, value] of Object.entries(upload.headers ?? {})) if (!FORBIDDEN_HEADERS.has(name.toLowerCase())) headers[name] = value;
      if (typeof XMLHttpRequest === 'function') return putWithXhr(upload, file, headers, opts.onProgress, opts.signal);
      // Node (or a worker without XHR): no upload progress events, so report the start and the end.
      opts.onProgress?.(0, file.size);
      let res: Response;
      try {
        res = await doFetch(upload.url, { method: upload.method ?? 'PUT', headers, body: file, ...(opts.signal ? { signal: opts.signal } : {}) });
      } catch (error) {
        if (opts.signal?.aborted || isAbortError(error)) throw abortError();
        throw new ApiError({ status: 0, code: 'upload_failed', message: `The upload failed: ${(error as Error)?.message ?? String(error)}`, cause: error });
      }
      if (!res.ok) {
        const text = await res.text().catch(() => '');
        throw new ApiError({ status: res.status, code: 'upload_failed', message: `The upload was refused (HTTP ${res.status})`, details: text.slice(0, 500) || undefined });
      }
      opts.onProgress?.(file.size, file.size);
    },

    startTask: (id, opts = {}) => call<ImportTask>('POST', `${taskPath(id)}/start`, { signal: opts.signal }),

    async startImport(file, opts) {
      const fileName = opts.fileName ?? file.name ?? 'upload';
      const created = await client.createImport({ type: opts.type, fileName, size: file.size, ...(opts.dryRun !== undefined ? { dryRun: opts.dryRun } : {}) }, { idempotencyKey: opts.idempotencyKey, signal: opts.signal });
      try {
        await client.upload(created.upload, file, { onProgress: opts.onUploadProgress, signal: opts.signal });
        return await client.startTask(created.id, { signal: opts.signal });
      } catch (error) {
        // Do not leave a task waiting for an upload that will never come: it would block the next import.
        await client.clear(created.id).catch(() => undefined);
        throw error;
      }
    },

    getTask: (id, opts = {}) => call<TaskView>('GET', taskPath(id), { signal: opts.signal }),

    async currentTask(kind, type, opts = {}) {
      try {
        return await call<TaskView>('GET', `/v1/tasks/current?${new URLSearchParams({ kind, type })}`, { signal: opts.signal });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },

    async listTasks(query = {}, opts = {}) {
      const q = new URLSearchParams();
      if (query.kind) q.set('kind', query.kind);
      if (query.type) q.set('type', query.type);
      if (query.limit !== undefined) q.set('limit', String(query.limit));
      const qs = q.toString();
      const body = await call<{ tasks: TaskView[] }>('GET', `/v1/tasks${qs ? `?${qs}` : ''}`, { signal: opts.signal });
      return body.tasks;
    },

    async waitForTask(id, opts = {}) {
      const { signal, onProgress } = opts;
      const min = Math.max(0, opts.minDelayMs ?? 1000);
      const max = Math.max(min, opts.maxDelayMs ?? 10_000);
      const factor = opts.factor ?? 1.5;
      let delay = min;
      let last: { phase: Phase; processed: number } | null = null;
      for (;;) {
        if (signal?.aborted) throw abortError();
        let task: TaskView | null = null;
        try {
          task = await client.getTask(id, { signal });
        } catch (error) {
          if (signal?.aborted || isAbortError(error)) throw abortError();
          if (!(error instanceof ApiError)) throw error;
          // Throttled or briefly unavailable: wait as told. A network blip: back off and try again.
          if (error.status === 429 || error.status === 503) {
            await sleep(error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : delay, signal);
            delay = Math.min(max, delay * factor);
            continue;
          }
          if (error.code === 'network_error') {
            await sleep(delay, signal);
            delay = Math.min(max, delay * factor);
            continue;
          }
          throw error;
        }
        onProgress?.(task);
        if (isFinal(task)) return task;
        const moved = last === null || task.phase !== last.phase || task.progress.processed !== last.processed;
        delay = moved ? min : Math.min(max, delay * factor);
        last = { phase: task.phase, processed: task.progress.processed };
        await sleep(delay, signal);
      }
    },

    cancel: (id) => call<TaskView>('POST', `${taskPath(id)}/cancel`),

    clear: (id) => call<void>('DELETE', taskPath(id)),
  };
  return client;
}
