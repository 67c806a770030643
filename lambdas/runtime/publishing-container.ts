/**
 * The composition root of the handlers that publish completion events (the worker, cancel-task, delete-task):
 * depsFromEnv plus EventBridge on EVENT_BUS_NAME (default: the account's default bus). A module of its own so
 * that the EventBridge client is bundled only into those functions.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeTaskEvents } from '../adapters/eventbridge/eventbridge-task-events';
import type { Deps } from '../core/deps';
import { depsFromEnv } from './container';

let cached: Deps | undefined;

export function publishingDepsFromEnv(): Deps {
  if (cached) return cached;
  const endpoint = process.env.AWS_ENDPOINT_URL_EVENTBRIDGE; // only set by local tooling
  const client = new EventBridgeClient(endpoint ? { endpoint } : {});
  cached = depsFromEnv(new EventBridgeTaskEvents(client, process.env.EVENT_BUS_NAME || 'default'));
  return cached;
}
