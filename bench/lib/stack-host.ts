/**
 * Runs the local stack (fauxqs S3+SQS, cluster-mode redis-server, the API handlers) in a process of its own,
 * with no SQS poller, and prints where it is as one JSON line. A benchmark child talks to it like a Lambda talks
 * to AWS, so the child's peak RSS is the worker's alone: fauxqs keeps every S3 object in memory (and joins the
 * parts of a multipart upload into one Buffer), which would otherwise count against the worker.
 * Stops when its stdin closes or on SIGTERM.
 */
import { startLocalStack } from '../../dev/local-stack';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.LOG_LEVEL ??= 'ERROR';

const env: Record<string, string> = JSON.parse(process.argv[2] ?? '{}');
const stack = await startLocalStack({ port: 0, worker: false, env });
const info = {
  url: stack.url,
  endpoint: stack.endpoint,
  bucket: stack.bucket,
  queueUrl: stack.queueUrl,
  redisEndpoint: stack.localRedis?.endpoint ?? null,
  pid: process.pid,
};
process.stdout.write(`@@stack ${JSON.stringify(info)}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop().catch(() => undefined);
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
