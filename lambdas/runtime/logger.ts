/** One structured JSON logger for every handler (Powertools). Level from LOG_LEVEL / POWERTOOLS_LOG_LEVEL. */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'async-file-tasks',
  logLevel: (process.env.LOG_LEVEL ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO') as 'INFO',
});
