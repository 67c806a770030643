/** Errors the core raises; adapters at the edge map them to HTTP or to task outcomes. */

export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input from the caller: names the field at fault. */
export class ValidationError extends AppError {
  constructor(message: string, readonly fields: FieldError[]) {
    super('validation_failed', message, fields);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Task not found') {
    super('not_found', message);
  }
}

/** Another active task of the same type, or an invalid state for the request. Carries the task view. */
export class ConflictError extends AppError {
  constructor(code: string, message: string, readonly task?: unknown) {
    super(code, message);
  }
}

export class TooManyTasksError extends AppError {
  constructor(readonly retryAfterSeconds: number, limit: number) {
    super('too_many_active_tasks', `You already have ${limit} active tasks; wait for one to finish`);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string, readonly field: string) {
    super('payload_too_large', message, [{ field, message }]);
  }
}

/** A dependency (Redis, S3, SQS) is unavailable: retry later. */
export class UnavailableError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('service_unavailable', message);
    this.cause = cause;
  }
}

/** A task failure that will not improve on retry (bad parameters, malformed file, limits). */
export class PermanentTaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentTaskError';
  }
}

/** The object was replaced between reads (a second upload to the same presigned URL): a consistent read is impossible. */
export class ObjectChangedError extends PermanentTaskError {
  constructor() {
    super('The uploaded file changed while it was being imported; start a new import');
    this.name = 'ObjectChangedError';
  }
}

/** The worker noticed the task was cancelled at a checkpoint. */
export class TaskCancelledError extends Error {
  constructor() {
    super('Task was cancelled');
    this.name = 'TaskCancelledError';
  }
}
