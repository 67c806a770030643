/**
 * S3 keys are derived from the owner and the task id only: a user's file name never reaches a key.
 * The owner is hashed so keys do not carry personal identifiers.
 */
import { createHash } from 'node:crypto';
import type { FileFormat } from './task';

const ownerPart = (owner: string) => createHash('sha256').update(owner).digest('hex').slice(0, 32);

export const exportKey = (owner: string, taskId: string, format: FileFormat) => `exports/${ownerPart(owner)}/${taskId}.${format}`;
export const uploadKey = (owner: string, taskId: string) => `uploads/${ownerPart(owner)}/${taskId}`;
export const reportKey = (owner: string, taskId: string, format: FileFormat) => `reports/${ownerPart(owner)}/${taskId}.${format}`;
export const sinkKey = (owner: string, taskId: string) => `imports/${ownerPart(owner)}/${taskId}.jsonl`;
