/**
 * The files bucket: browser uploads (presigned PUT), built exports and error reports (presigned GET),
 * and the demo import sink. Private, encrypted, TLS only, and self-cleaning through lifecycle rules.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
  type LifecycleRule,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Key prefixes the runtime writes under; grants and lifecycle rules are scoped to them. */
export const PREFIX = {
  uploads: 'uploads/',
  exports: 'exports/',
  reports: 'reports/',
  imports: 'imports/',
} as const;
export type Prefix = (typeof PREFIX)[keyof typeof PREFIX];

export interface TaskStorageProps {
  readonly corsOrigins: string[];
  readonly exportRetentionDays: number;
  readonly uploadRetentionDays: number;
  readonly importedRowsRetentionDays?: number;
  readonly removalPolicy: RemovalPolicy;
}

export class TaskStorage extends Construct {
  readonly bucket: Bucket;
  /** Receives the files bucket's server access logs. */
  readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string, props: TaskStorageProps) {
    super(scope, id);

    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // Server access log delivery supports SSE-S3 only.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
      removalPolicy: props.removalPolicy,
    });

    const expire = (id: string, prefix: Prefix, days: number): LifecycleRule => ({ id, prefix, expiration: Duration.days(days) });
    const lifecycleRules: LifecycleRule[] = [
      // A multipart upload the worker could not abort (crash, timeout) must not linger as billed parts.
      { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      expire('expire-exports', PREFIX.exports, props.exportRetentionDays),
      expire('expire-reports', PREFIX.reports, props.exportRetentionDays),
      expire('expire-uploads', PREFIX.uploads, props.uploadRetentionDays),
    ];
    if (props.importedRowsRetentionDays !== undefined) {
      lifecycleRules.push(expire('expire-imported-rows', PREFIX.imports, props.importedRowsRetentionDays));
    }

    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // SSE-S3 keeps presigned browser PUT/GET free of KMS permissions and per-request KMS cost.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'files/',
      lifecycleRules,
      cors: [
        {
          // Browsers PUT uploads and GET downloads straight to S3 with presigned URLs.
          allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
          allowedOrigins: props.corsOrigins,
          // The signature, not the header list, is what protects the request; the client sends what the API returned.
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag', 'Content-Length', 'Content-Disposition'],
          maxAge: 3600,
        },
      ],
      removalPolicy: props.removalPolicy,
    });
  }

  /** ARN pattern of the objects under one prefix, for scoped IAM statements. */
  objectsArn(prefix: Prefix): string {
    return this.bucket.arnForObjects(`${prefix}*`);
  }
}
