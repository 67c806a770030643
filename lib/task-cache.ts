/**
 * ElastiCache Serverless (Valkey) holding task records. Serverless caches are cluster-mode and always use
 * TLS in transit, so the runtime connects with a TLS cluster client (REDIS_TLS / REDIS_CLUSTER).
 */
import { Names } from 'aws-cdk-lib';
import { CfnServerlessCache } from 'aws-cdk-lib/aws-elasticache';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export interface TaskCacheProps {
  readonly vpc: IVpc;
  readonly subnets: SubnetSelection;
  readonly securityGroup: ISecurityGroup;
  readonly maxDataStorageGb: number;
  readonly maxEcpuPerSecond?: number;
}

export class TaskCache extends Construct {
  readonly cache: CfnServerlessCache;
  /** `host:port` of the primary endpoint, the value of REDIS_ENDPOINT. */
  readonly endpoint: string;

  constructor(scope: Construct, id: string, props: TaskCacheProps) {
    super(scope, id);
    // The name is required; derive a stable, unique one (lowercase, at most 40 characters).
    const name = Names.uniqueResourceName(this, { maxLength: 40, separator: '-' }).toLowerCase();
    this.cache = new CfnServerlessCache(this, 'Cache', {
      engine: 'valkey',
      majorEngineVersion: '8',
      serverlessCacheName: name,
      description: 'async-file-tasks task records',
      connectionType: 'vpc',
      subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds,
      securityGroupIds: [props.securityGroup.securityGroupId],
      // Records are short-lived (TTL-bound); the cap only bounds cost if something goes wrong.
      cacheUsageLimits: {
        dataStorage: { maximum: props.maxDataStorageGb, unit: 'GB' },
        ...(props.maxEcpuPerSecond === undefined ? {} : { ecpuPerSecond: { maximum: props.maxEcpuPerSecond } }),
      },
    });
    this.endpoint = `${this.cache.attrEndpointAddress}:${this.cache.attrEndpointPort}`;
  }
}
