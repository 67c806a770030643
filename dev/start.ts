/** `npm start`: runs the local stack until Ctrl-C, then takes down everything it started. */
// Local Node 20 is supported by the pinned SDK; the warning is about future releases (Lambda runs Node 24).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { startLocalStack } from './local-stack';

const port = Number(process.env.PORT ?? 3000);
const stack = await startLocalStack({ port, redisUrl: process.env.REDIS_URL || undefined });

console.log(`
async-file-tasks local stack
  API and demo page  ${stack.url}/
  S3 + SQS (fauxqs)  ${stack.endpoint}   bucket ${stack.bucket}
  queue              ${stack.queueUrl}
  dead-letter queue  ${stack.dlqUrl}
  Redis              ${stack.localRedis ? `redis-server (cluster mode) on 127.0.0.1:${stack.localRedis.port}` : process.env.REDIS_URL}

Try an export (X-Dev-User is the local stand-in for the JWT subject):
  curl -s -X POST ${stack.url}/v1/exports -H 'X-Dev-User: alice' -H 'Content-Type: application/json' \\
       -d '{"type":"orders","format":"xlsx","params":{"rows":5000}}'
  curl -s ${stack.url}/v1/tasks/current?kind=export\\&type=orders -H 'X-Dev-User: alice'

Press Ctrl-C to stop.
`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local stack…`);
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
