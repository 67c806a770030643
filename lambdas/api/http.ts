/**
 * The HTTP edge shared by every API handler: a middy chain that resolves the owner, parses and bounds the body,
 * and maps errors to the contract's shape `{ error: { code, message, details? } }`. Handlers stay thin.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Deps } from '../core/deps';
import { AppError, ConflictError, NotFoundError, PayloadTooLargeError, TooManyTasksError, UnavailableError, ValidationError } from '../core/errors';
import { logger, ownerForLog, taskLogKeys } from '../runtime/logger';
import { ownerFromClaims } from './owner';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export interface ApiRequest {
  owner: string;
  body: unknown;
  path: Record<string, string>;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  traceId: string | null;
}

/** Request bodies are small JSON documents; anything bigger is refused before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;

/** The body each response was made from, so the access log can name the task without parsing JSON again. */
const responseBodies = new WeakMap<ApiResult, unknown>();

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult => {
  const result: ApiResult = {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
  responseBodies.set(result, body);
  return result;
};

export const noContent = (): ApiResult => ({ statusCode: 204, headers: { 'cache-control': 'no-store' } });

const errorBody = (code: string, message: string, details?: unknown) => ({ error: details === undefined ? { code, message } : { code, message, details } });

export function errorResponse(error: unknown): ApiResult {
  if (error instanceof ValidationError) return json(400, errorBody(error.code, error.message, error.fields));
  if (error instanceof NotFoundError) return json(404, errorBody(error.code, error.message));
  if (error instanceof ConflictError) return json(409, { ...errorBody(error.code, error.message), task: error.task });
  if (error instanceof TooManyTasksError) return json(429, errorBody(error.code, error.message), { 'retry-after': String(error.retryAfterSeconds) });
  if (error instanceof PayloadTooLargeError) return json(413, errorBody(error.code, error.message, error.details));
  if (error instanceof UnavailableError) return json(503, errorBody(error.code, error.message), { 'retry-after': '2' });
  if (error instanceof AppError) return json(400, errorBody(error.code, error.message, error.details));
  return json(500, errorBody('internal_error', 'Something went wrong; the error was logged'));
}

function parseBody(event: ApiEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The request body exceeds ${MAX_BODY_BYTES} bytes`, '(body)');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError('The request body is not valid JSON', [{ field: '(body)', message: (error as Error).message }]);
  }
}

function lowerCaseHeaders(headers: ApiEvent['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}

/** X-Ray's Root=… when API Gateway or the caller sent one; otherwise the use case mints an id. */
function traceIdOf(headers: Record<string, string>): string | null {
  const root = /Root=([0-9a-fA-F-]{1,64})/.exec(headers['x-amzn-trace-id'] ?? '');
  return root?.[1] ?? null;
}

export type Route = (request: ApiRequest, deps: Deps) => Promise<ApiResult>;

interface TaskLike {
  id: string;
  kind: string;
  type: string;
  traceId: string;
}

const isTask = (value: unknown): value is TaskLike =>
  !!value && typeof value === 'object' && ['id', 'kind', 'type', 'traceId'].every((k) => typeof (value as Record<string, unknown>)[k] === 'string');

/** The task a response is about: the view it returns, or the one a 409 carries. */
function taskOfResponse(result: ApiResult, error: unknown): TaskLike | null {
  const body = responseBodies.get(result);
  if (isTask(body)) return body;
  if (error instanceof ConflictError && isTask(error.task)) return error.task;
  return null;
}

/**
 * Wraps a route into a Lambda handler; `getDeps` is the composition root (AWS env or the local stack or a test).
 * Every request ends with one access line, "request handled": method, route, status, durationMs, and the task's
 * keys once the route knows the task (taskId, owner as LOG_OWNER says, kind, type, traceId). The metrics the use
 * case recorded are flushed once per invocation.
 */
export function apiHandler(getDeps: () => Deps, route: Route) {
  return middy<ApiEvent, ApiResult>().handler(async (event) => {
    const started = Date.now();
    const headers = lowerCaseHeaders(event.headers);
    const requestTraceId = traceIdOf(headers);
    const owner = ownerFromClaims(event.requestContext?.authorizer?.jwt?.claims);
    const pathId = event.pathParameters?.id;
    const keys = {
      method: event.requestContext?.http?.method,
      route: event.routeKey,
      ...(owner ? { owner: ownerForLog(owner) } : {}),
      ...(pathId ? { taskId: pathId } : {}),
      ...(requestTraceId ? { traceId: requestTraceId } : {}),
    };
    let deps: Deps | undefined;
    let result: ApiResult;
    let failure: unknown;
    try {
      if (!owner) {
        result = json(401, errorBody('unauthenticated', 'No authenticated owner in the request'));
      } else {
        const request: ApiRequest = {
          owner,
          body: parseBody(event),
          path: (event.pathParameters ?? {}) as Record<string, string>,
          query: (event.queryStringParameters ?? {}) as Record<string, string>,
          headers,
          traceId: requestTraceId,
        };
        deps = getDeps();
        result = await route(request, deps);
      }
    } catch (error) {
      failure = error;
      if (!(error instanceof AppError)) logger.error('Unhandled API error', { ...keys, error: error as Error });
      else if (error instanceof UnavailableError) logger.warn('Dependency unavailable', { ...keys, error: (error.cause ?? error) as Error });
      result = errorResponse(error);
    }
    const task = taskOfResponse(result, failure);
    logger.info('request handled', {
      ...keys,
      ...(task ? taskLogKeys({ id: task.id, owner, kind: task.kind, type: task.type, traceId: task.traceId }) : {}),
      status: result.statusCode,
      durationMs: Date.now() - started,
    });
    try {
      deps?.metrics.flush();
    } catch (error) {
      logger.warn('Metrics not flushed', { ...keys, error: error as Error });
    }
    return result;
  });
}
