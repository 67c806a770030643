/**
 * The EventBridge adapter makes a real SDK call: the client is pointed at an HTTP server on 127.0.0.1 that records
 * the PutEvents request and answers as EventBridge does (awsJson1_1).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeTaskEvents } from '../../../lambdas/adapters/eventbridge/eventbridge-task-events';
import type { TaskEventDetail } from '../../../lambdas/core/ports';
import { guardedEvents } from '../../../lambdas/runtime/observability';
import { logger } from '../../../lambdas/runtime/logger';
import { captureStdout } from '../../support/stdout-capture';

interface Recorded {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

let server: http.Server;
let client: EventBridgeClient;
let recorded: Recorded[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] } };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      recorded.push({ method: req.method!, headers: req.headers, body: JSON.parse(text) });
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new EventBridgeClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client?.destroy();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  recorded = [];
  answer = { status: 200, body: { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] } };
});

const detail: TaskEventDetail = {
  id: '0b3c8c36-5b0e-4a39-9d6e-52b1a1f3c0de',
  kind: 'export',
  type: 'orders',
  format: 'xlsx',
  fileName: 'orders.xlsx',
  phase: 'succeeded',
  status: 2,
  state: true,
  message: null,
  progress: { processed: 10, total: 10, percent: 100 },
  result: { rows: 10, bytes: 4096, sheets: 1 },
  attempts: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: '2026-01-01T00:00:01.000Z',
  finishedAt: '2026-01-01T00:00:02.000Z',
  expiresAt: '2026-01-01T00:30:02.000Z',
  traceId: '1-67890abc-0123456789abcdef01234567',
  owner: 'org-1:user-42',
};

describe('EventBridgeTaskEvents', () => {
  it('sends one PutEvents entry on the configured bus, with the detail-type and the detail as JSON', async () => {
    await new EventBridgeTaskEvents(client, 'orders-bus').publish('Task Succeeded', detail);
    expect(recorded).toHaveLength(1);
    const [request] = recorded;
    expect(request!.method).toBe('POST');
    expect(request!.headers['x-amz-target']).toBe('AWSEvents.PutEvents');
    expect(request!.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(request!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/eu-west-1\/events\/aws4_request/);
    expect(request!.body.Entries).toHaveLength(1);
    const entry = request!.body.Entries[0];
    expect(entry).toEqual({ EventBusName: 'orders-bus', Source: 'async-file-tasks', DetailType: 'Task Succeeded', Detail: expect.any(String) });
    expect(JSON.parse(entry.Detail)).toEqual(detail);
  });

  it('rejects when EventBridge refuses the entry, and the guard turns that into a warning line', async () => {
    answer = { status: 200, body: { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] } };
    const events = new EventBridgeTaskEvents(client, 'default');
    await expect(events.publish('Task Failed', detail)).rejects.toThrow(/InternalFailure/);

    logger.setLogLevel('WARN');
    const out = captureStdout();
    try {
      await expect(guardedEvents(events).publish('Task Failed', detail)).resolves.toBeUndefined();
      answer = { status: 500, body: { __type: 'InternalException', message: 'boom' } };
      await expect(guardedEvents(events).publish('Task Failed', detail)).resolves.toBeUndefined();
    } finally {
      out.stop();
      logger.setLogLevel('ERROR');
    }
    const warnings = out.logs().filter((l) => l.message === 'Completion event not published');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ level: 'WARN', detailType: 'Task Failed', taskId: detail.id, traceId: detail.traceId, kind: 'export', type: 'orders' });
    // Hashed by default in log lines (the event itself carries the raw owner).
    expect(warnings[0]!.owner).toMatch(/^[0-9a-f]{16}$/);
  });
});
