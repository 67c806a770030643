/** The S3 adapter against fauxqs through the real SDK: versions pinned by ETag, and uploads that abort cleanly. */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3FileStore } from '../../lambdas/adapters/s3/s3-file-store';
import { ObjectChangedError } from '../../lambdas/core/errors';
import { listKeys, openMultipartUploads } from '../support/s3-objects';

let fauxqs: FauxqsServer;
let s3: S3Client;
let files: S3FileStore;
const bucket = 'store-test';

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false });
  s3 = new S3Client({ endpoint: `http://127.0.0.1:${fauxqs.port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  files = new S3FileStore(s3, { bucket, downloadUrlTtlSeconds: 60, uploadUrlTtlSeconds: 60 });
});
afterAll(async () => {
  await fauxqs?.stop();
});

describe('S3FileStore', () => {
  it('reads pinned to the version it checked, and refuses a replaced object', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'uploads/a', Body: 'name,email\nA,a@example.com\n' }));
    const checked = await files.head('uploads/a');
    expect(checked?.etag).toBeTruthy();
    expect((await files.readHead('uploads/a', 4, checked!.etag)).toString()).toBe('name');
    expect((await files.readRange('uploads/a', 5, 10, checked!.etag)).toString()).toBe('email');
    // Someone PUTs again to the still-valid upload URL: same size, other content.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'uploads/a', Body: 'name,email\nB,=cmd|x@example.com' }));
    await expect(files.readHead('uploads/a', 4, checked!.etag)).rejects.toBeInstanceOf(ObjectChangedError);
    await expect(files.openRead('uploads/a', checked!.etag)).rejects.toThrow('The uploaded file changed while it was being imported');
    expect(await files.head('uploads/missing')).toBeNull();
  });

  it('an aborted upload leaves neither an object nor an open multipart upload', async () => {
    const upload = files.openUpload('exports/aborted.csv', 'csv');
    for (let i = 0; i < 3; i++) upload.stream.write(Buffer.alloc(3 * 1024 * 1024, 65));
    await new Promise((r) => setTimeout(r, 300));
    await upload.abort();
    expect(await listKeys(s3, bucket, 'exports/')).toEqual([]);
    expect(await openMultipartUploads(s3, bucket)).toBe(0);
  });
});
