/**
 * @mirrorlab/protocol: what producers write and validators read. Pure functions
 * over strings and buffers, no I/O: Kafka's key hash, the key plan, the test
 * record codec, payload sources and the errors they raise; plus the scenario
 * spec and control-event schemas.
 */
export {
  ProtocolError,
  KeyPlanError,
  PayloadError,
  RecordEncodeError,
  type ProtocolErrorCode,
  type KeyPlanErrorCode,
  type PayloadErrorCode,
  type RecordEncodeErrorCode,
  type RecordDecodeError,
  type RecordDecodeReason,
} from './errors';
export { MAX_IDENTIFIER_LENGTH } from './identifier';
export { murmur2, toPositive, partitionForKey } from './murmur2';
export { KeyPlan, MAX_KEY_SEARCH_WORK, type KeyPlanOptions, type RecordSlot, type ParsedKey } from './key-plan';
export { RECORD_FORMAT_VERSION, scheduledTimeOf, type RecordEncoding, type TestRecordMeta } from './record-format';
export { RECORD_HEADERS, type ConsumedHeaders, type HeaderValue } from './record-headers';
export { SINGLE_HEADER } from './record-single-header';
export { COMPACT_HEADER } from './record-compact';
export {
  encodeRecord,
  decodeRecord,
  type RecordToEncode,
  type EncodedRecord,
  type ConsumedRecord,
  type DecodedRecord,
  type RecordDecodeResult,
  type RecordIdentity,
} from './record';
export { CompactHeader, RecordEncoder, type StreamRecord } from './record-encoder';
export { randomPayloadSource, replayPayloadSource, MAX_PAYLOAD_SIZE, type PayloadSource, type RandomPayloadOptions } from './payload';
export { parseCsvColumn } from './payload-csv';
export { parseJsonLinesField } from './payload-json-lines';

// The scenario spec lives in its own folder (another owner); re-exported here because services
// import everything from the package root. Control events live in @mirrorlab/control.
export * from './scenario';
export * from './schema-error';
export * from './faults';

/** Kept for existing importers: the test-record format version. */
export { RECORD_FORMAT_VERSION as PROTOCOL_VERSION } from './record-format';
export * from './queue';
// MirrorMaker 2's checkpoint records on the target (the consumer-groups service reads them; so do the e2e tests).
export { checkpointsTopic, decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointDecodeResult } from './mm2-checkpoint';
