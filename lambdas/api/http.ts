/**
 * The HTTP edge shared by every API handler: a middy chain that resolves the owner, parses and bounds the body,
 * and maps errors to the contract's shape `{ error: { code, message, details? } }`. Handlers stay thin.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Deps } from '../core/deps';
import { AppError, ConflictError, NotFoundError, PayloadTooLargeError, TooManyTasksError, UnavailableError, ValidationError } from '../core/errors';
import { logger } from '../runtime/logger';
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

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

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

/** Wraps a route into a Lambda handler; `getDeps` is the composition root (AWS env or the local stack). */
export function apiHandler(getDeps: () => Deps, route: Route) {
  return middy<ApiEvent, ApiResult>().handler(async (event) => {
    try {
      const owner = ownerFromClaims(event.requestContext?.authorizer?.jwt?.claims);
      if (!owner) return json(401, errorBody('unauthenticated', 'No authenticated owner in the request'));
      const headers = lowerCaseHeaders(event.headers);
      const request: ApiRequest = {
        owner,
        body: parseBody(event),
        path: (event.pathParameters ?? {}) as Record<string, string>,
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        headers,
        traceId: traceIdOf(headers),
      };
      return await route(request, getDeps());
    } catch (error) {
      if (!(error instanceof AppError)) logger.error('Unhandled API error', { error: error as Error });
      else if (error instanceof UnavailableError) logger.warn('Dependency unavailable', { error: (error.cause ?? error) as Error });
      return errorResponse(error);
    }
  });
}
