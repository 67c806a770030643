/**
 * A local stand-in for API Gateway's HTTP API: turns requests into payload-format-2.0 events for the very same
 * handlers, with the caller's identity from `X-Dev-User` placed where the JWT authorizer would put the claims.
 * Only this local server reads that header; the handlers only ever see verified claims.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RouteSpec } from '../lambdas/api/routes';
import { lambdaContext } from './lambda-context';

export type ApiLambda = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: ReturnType<typeof lambdaContext>) => Promise<APIGatewayProxyStructuredResultV2>;

export interface MountedRoute extends RouteSpec {
  lambda: ApiLambda;
}

/** API Gateway's own payload limit is 10 MB; ours are JSON documents, 1 MB is plenty here. */
const MAX_REQUEST_BYTES = 1024 * 1024;

function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return null;
      params[w.slice(1, -1)] = decodeURIComponent(g);
    } else if (w !== g) return null;
  }
  return params;
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_REQUEST_BYTES ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export interface StaticSite {
  /** Returns a file to serve for a GET outside /v1, or null. */
  (path: string): Promise<{ body: Buffer; contentType: string } | null>;
}

export function createApiServer(routes: MountedRoute[], site?: StaticSite): Server {
  // Specific paths first (/v1/tasks/current before /v1/tasks/{id}).
  const ordered = [...routes].sort((a, b) => Number(a.path.includes('{')) - Number(b.path.includes('{')));
  return createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'internal_error', message: String(error) } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    if (!url.pathname.startsWith('/v1/')) {
      const file = method === 'GET' && site ? await site(url.pathname) : null;
      if (!file) return send(res, 404, { error: { code: 'not_found', message: 'No such route' } });
      res.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-cache' });
      return res.end(file.body);
    }
    let route: MountedRoute | undefined;
    let params: Record<string, string> | null = null;
    for (const candidate of ordered) {
      params = match(candidate.path, url.pathname);
      if (params && candidate.method === method) {
        route = candidate;
        break;
      }
    }
    if (!route || !params) return send(res, 404, { error: { code: 'not_found', message: 'No such route' } });
    const body = await readBody(req);
    if (body === 'too_large') return send(res, 413, { error: { code: 'payload_too_large', message: 'Request too large' } });

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
    const user = headers['x-dev-user'];
    const query: Record<string, string> = {};
    url.searchParams.forEach((value, key) => (query[key] = value));
    const now = Date.now();
    const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
      version: '2.0',
      routeKey: `${route.method} ${route.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: Object.keys(query).length ? query : undefined,
      pathParameters: Object.keys(params).length ? params : undefined,
      body: body.length ? body.toString('utf8') : undefined,
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: 'localhost',
        domainPrefix: 'localhost',
        http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId: crypto.randomUUID(),
        routeKey: `${route.method} ${route.path}`,
        stage: '$default',
        time: new Date(now).toUTCString(),
        timeEpoch: now,
        // What the JWT authorizer would have verified; no header, no identity (401 from the handler).
        authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: user ? { sub: user } : {}, scopes: [] } },
      },
    } as APIGatewayProxyEventV2WithJWTAuthorizer;
    const result = await route.lambda(event, lambdaContext(route.handler));
    res.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>);
    res.end(result.body ?? '');
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
