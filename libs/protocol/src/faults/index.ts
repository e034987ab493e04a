export * from './fault-catalog';
export * from './fault-targets';
export { isTopicName, type RawParams, type RawParamValue, type ClusterName, type LinkDirection } from './fault-param-fields';
export { DEFAULT_FAILOVER_WAIT_MS, MAX_FAILOVER_WAIT_MS } from './failover-wait';
