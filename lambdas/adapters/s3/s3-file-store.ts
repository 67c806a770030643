/** FileStore on S3: presigned URLs, streaming multipart uploads (lib-storage), reads. */
import { PassThrough, Transform, type Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ObjectChangedError } from '../../core/errors';
import type { FileStore, PresignedUpload, UploadSink } from '../../core/ports';
import type { FileFormat } from '../../core/task';
import { contentDisposition } from './content-disposition';
import { CONTENT_TYPES } from './content-types';

export interface S3FileStoreOptions {
  bucket: string;
  downloadUrlTtlSeconds: number;
  uploadUrlTtlSeconds: number;
  /** Multipart part size; 5 MiB is S3's minimum and keeps memory low. */
  partSize?: number;
  /** Parts uploaded at once (default 2: the producer, not S3, is the bottleneck). Memory ≈ partSize × queueSize. */
  queueSize?: number;
}

export class S3FileStore implements FileStore {
  constructor(
    private readonly s3: S3Client,
    private readonly options: S3FileStoreOptions,
  ) {}

  presignDownload(key: string, fileName: string, format: FileFormat | 'jsonl'): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: key,
      ResponseContentDisposition: contentDisposition(fileName),
      ResponseContentType: CONTENT_TYPES[format],
    });
    return getSignedUrl(this.s3, command, { expiresIn: this.options.downloadUrlTtlSeconds });
  }

  async presignUpload(key: string, size: number): Promise<PresignedUpload> {
    const expiresIn = this.options.uploadUrlTtlSeconds;
    // Content-Length is signed: S3 refuses a body of any other size.
    const command = new PutObjectCommand({ Bucket: this.options.bucket, Key: key, ContentLength: size });
    const url = await getSignedUrl(this.s3, command, { expiresIn, signableHeaders: new Set(['content-length']) });
    return { url, method: 'PUT', headers: { 'Content-Length': String(size) }, expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString() };
  }

  async head(key: string): Promise<{ size: number; etag?: string } | null> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return { size: head.ContentLength ?? 0, etag: head.ETag };
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
      throw error;
    }
  }

  openUpload(key: string, format: FileFormat | 'jsonl'): UploadSink {
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    const body = new PassThrough();
    counter.pipe(body);
    const upload = new Upload({
      client: this.s3,
      params: { Bucket: this.options.bucket, Key: key, Body: body, ContentType: CONTENT_TYPES[format] },
      partSize: this.options.partSize ?? 5 * 1024 * 1024,
      queueSize: this.options.queueSize ?? 2,
      // A failed part aborts the whole multipart upload: nothing half-written stays.
      leavePartsOnError: false,
    });
    const done = upload.done().then(() => ({ bytes }));
    done.catch(() => undefined);
    return {
      stream: counter,
      done: () => done,
      abort: async () => {
        counter.destroy();
        body.destroy();
        await upload.abort().catch(() => undefined);
        await done.catch(() => undefined);
      },
    };
  }

  async openRead(key: string, ifMatch?: string): Promise<Readable> {
    const object = await this.get(key, undefined, ifMatch);
    return object.Body as Readable;
  }

  async readHead(key: string, bytes: number, ifMatch?: string): Promise<Buffer> {
    const object = await this.get(key, `bytes=0-${bytes - 1}`, ifMatch);
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  async readRange(key: string, start: number, end: number, ifMatch?: string): Promise<Buffer> {
    if (end <= start) return Buffer.alloc(0);
    const object = await this.get(key, `bytes=${start}-${end - 1}`, ifMatch);
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  private async get(key: string, range: string | undefined, ifMatch: string | undefined) {
    try {
      return await this.s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key, Range: range, IfMatch: ifMatch }));
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412) throw new ObjectChangedError();
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }
}
