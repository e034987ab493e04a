/**
 * @mirrorlab/lab: a local lab of real Kafka clusters, MirrorMaker 2 and Redis, with the
 * path between the two datacenters in its own network namespaces so faults can be put
 * on it. Other code finds a running lab with `findLab()` and reads `LabState`.
 */
export { LabError, isLabError, type LabErrorCode } from './errors';
export {
  LAB_STATE_FILE,
  defaultLabDir,
  findLab,
  findRepoRoot,
  labProcess,
  labStatePath,
  parseLabState,
  readLabState,
  tryReadLabState,
  writeLabState,
  type ClusterName,
  type InterDcLink,
  type KafkaClusterInfo,
  type LabMode,
  type LabNetwork,
  type LabProcess,
  type LabRole,
  type LabRoute,
  type LabState,
  type LinkEnd,
  type Mm2Info,
  type ReplicationPolicyName,
  type VethLink,
} from './state';
export { labFetch, labUp, type LabLog, type LabUpOptions, type LabUpResult } from './lab';
export { REPLICATOR_MODE_NAMES, replicatorModeOf, type ReplicatorModeName } from './replicator-mode';
export { labStatus, type LabStatusReport, type ProcessState, type ProcessStatus } from './lab-status';
export { labDown, type LabDownOptions, type LabDownResult } from './lab-down';
export {
  applyLinkBandwidth,
  applyLinkLoss,
  applyLinkPartition,
  bandwidthEnds,
  clearLinkFaults,
  interDcLink,
  listLinkFaults,
  listTaggedLinkRules,
  removeLinkBandwidth,
  removeTaggedLinkRules,
  type BandwidthOptions,
  type LinkDirection,
  type LinkFaultKind,
  type LinkFaultRules,
} from './network';
export { KAFKA_VERSION, cacheRoot, cachedKafkaDist, ensureKafkaDist, kafkaDistDir, type KafkaDist } from './kafka-dist';
export { PRODUCER_PERFORMANCE_MAIN, TOOL_JVM, javaArgs, type JvmOptions } from './config';
export { LAB_MM2_OFFSET_LAG_MAX } from './config';
export {
  DEFAULT_MM2_CHECKPOINTS,
  describeMm2Checkpoints,
  mm2CheckpointsChange,
  mm2CheckpointsOf,
  type Mm2CheckpointSettings,
  type Mm2CheckpointsChange,
} from './mm2-checkpoints';
export {
  DEFAULT_MM2_TOPICS,
  MM2_TOPICS_EXCLUDE,
  REPLICATION_POLICY_CLASSES,
  UNMIRRORED_TOPIC_PREFIX,
  labIdForDir,
  mirroredTopicName,
  planLab,
  type LabPlanInput,
} from './topology';
export { processLiveness, tailLog, type Liveness } from './supervisor';
export { log4jConfigPath, processMarker } from './launch';
export { signalLabProcess } from './lab-control';
export { isLabProcessAlive } from './launch';
export {
  entriesOfStatus,
  labRuntime,
  processRunState,
  settledRunState,
  startLabProcess,
  stopLabProcess,
  waitForClusterServing,
  waitForMm2Status,
  withLabLock,
  type Mm2StatusCheck,
  type Mm2StatusEntry,
  type RunState,
  type ServeWaitOptions,
  type StartedProcess,
} from './process-control';
export {
  LAB_SCRAPE_INTERVAL_SECONDS,
  PROMETHEUS_PROCESS,
  planPrometheus,
  prometheusProcess,
  prometheusUrl,
  removeScrapeTargets,
  renderPrometheusConfig,
  scrapeTargetGroup,
  scrapeTargetsDir,
  writeScrapeTargets,
  type ScrapeTarget,
  type TargetGroup,
} from './prometheus';
export {
  addLabBroker,
  addMm2Worker,
  addedProcesses,
  mm2WorkerId,
  isWorkerId,
  pickAddedPort,
  removeAddedProcess,
  type RemovedProcess,
} from './added-processes';
export { MM2_CONNECTORS, mm2Readiness, type ConnectStatus, type Mm2Status } from './mm2-status';
export { brokerAnswers, describeKafkaCluster, type ClusterHealth } from './readiness';
export {
  addScramArgs,
  renderSaslBrokerProperties,
  startSaslBroker,
  type SaslBroker,
  type SaslBrokerOptions,
  type ScramMechanism,
  type ScramUser,
} from './sasl-broker';
export type { StopOutcome } from './supervisor';
export { LINK_PROFILE_NAMES, type CrossDcProxy, type InterDcProxy, type LinkProfileName } from './state';
export { TOXIPROXY_VERSION, ToxiproxyClient, ensureToxiproxy, interDcProxy, toxiproxyBinary, type ToxiproxyProxyInfo } from './toxiproxy';
export {
  LINK_PROFILES,
  applyLinkLatency,
  applyLinkProfile,
  listFaultLinkToxics,
  listLinkToxics,
  listTaggedLinkToxics,
  removeTaggedLinkToxics,
  streamsOf,
  type OneWayDelay,
  type ToxicLine,
} from './link-latency';
export {
  CONNECT_DISTRIBUTED_MAIN,
  SECOND_CONNECT_WORKER,
  connectNames,
  connectWorkerProperties,
  connectWorkerUrl,
  isConnectMode,
  mm2ConnectorConfigs,
  planReplicatorWorkers,
  type Mm2ConnectorName,
} from './connect-cluster';
export { connectWorkerVersion, connectorStatuses, putConnectorConfigs, type ConnectorStatus } from './connect-rest';
export { configureConnectCluster, liveConnectWorkers } from './connect-setup';
