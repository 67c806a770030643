/**
 * VPC with isolated subnets only (no NAT, no internet route): the functions reach AWS services through
 * endpoints, and the cache accepts connections only from the functions' security group.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
  type InterfaceVpcEndpoint,
  type SubnetSelection,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export const REDIS_PORT = 6379;
/** ElastiCache Serverless serves its reader endpoint on the next port. */
export const REDIS_READER_PORT = 6380;

export interface NetworkProps {
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

export class Network extends Construct {
  readonly vpc: Vpc;
  readonly isolatedSubnets: SubnetSelection = { subnetType: SubnetType.PRIVATE_ISOLATED };
  /** Attached to every function. */
  readonly functionSecurityGroup: SecurityGroup;
  /** Attached to the cache; admits only the functions. */
  readonly cacheSecurityGroup: SecurityGroup;
  /** Attached to the interface endpoints; admits only the functions on 443. */
  readonly endpointSecurityGroup: SecurityGroup;
  readonly sqsEndpoint: InterfaceVpcEndpoint;
  readonly eventBridgeEndpoint: InterfaceVpcEndpoint;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);

    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
      restrictDefaultSecurityGroup: true,
    });

    const flowLogs = new LogGroup(this, 'FlowLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: FlowLogTrafficType.ALL,
    });

    this.functionSecurityGroup = new SecurityGroup(this, 'FunctionSg', {
      vpc: this.vpc,
      description: 'async-file-tasks Lambda functions',
      allowAllOutbound: false,
    });
    this.cacheSecurityGroup = new SecurityGroup(this, 'CacheSg', {
      vpc: this.vpc,
      description: 'async-file-tasks Valkey cache: only the functions may connect',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup = new SecurityGroup(this, 'EndpointSg', {
      vpc: this.vpc,
      description: 'async-file-tasks interface endpoints: only the functions may connect',
      allowAllOutbound: false,
    });

    const redisPorts = Port.tcpRange(REDIS_PORT, REDIS_READER_PORT);
    this.cacheSecurityGroup.addIngressRule(this.functionSecurityGroup, redisPorts, 'Valkey from the functions');
    this.functionSecurityGroup.addEgressRule(this.cacheSecurityGroup, redisPorts, 'Valkey');
    this.endpointSecurityGroup.addIngressRule(this.functionSecurityGroup, Port.tcp(443), 'HTTPS from the functions');
    // S3 is reached through the gateway endpoint, whose prefix list is region-specific and cannot be looked up
    // offline; the isolated subnets have no other route out, so 443 anywhere only reaches the endpoints.
    this.functionSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to S3 and the interface endpoints');

    this.vpc.addGatewayEndpoint('S3', { service: GatewayVpcEndpointAwsService.S3, subnets: [this.isolatedSubnets] });
    const endpoint = (name: string, service: InterfaceVpcEndpointAwsService): InterfaceVpcEndpoint =>
      this.vpc.addInterfaceEndpoint(name, {
        service,
        subnets: this.isolatedSubnets,
        securityGroups: [this.endpointSecurityGroup],
        open: false,
        privateDnsEnabled: true,
      });
    this.sqsEndpoint = endpoint('Sqs', InterfaceVpcEndpointAwsService.SQS);
    // Completion events (PutEvents) from the worker and the cancel/delete functions.
    this.eventBridgeEndpoint = endpoint('EventBridge', InterfaceVpcEndpointAwsService.EVENTBRIDGE);
  }
}
