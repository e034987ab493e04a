export {
  BatchProducer,
  KafkaClientError,
  librdkafkaVersion,
  type BatchProducerOptions,
  type ClientEvent,
  type Persistence,
  type Report,
  type ReportListener,
} from './batch-producer';
export { RecordBatchWriter, type WrittenHeader } from './record-batch';
