/**
 * What a failed send means for the records in it. Only errors where the broker
 * definitely refused the records count as `failed`; anything else (timeouts,
 * lost connections, retries exhausted on a retriable error) is `indeterminate`:
 * the records may or may not have been written, and the checker must not call
 * them lost if missing nor unexpected if present.
 */
export type SendOutcome = 'failed' | 'indeterminate';

/** Kafka error codes where the broker rejects the request without writing anything. */
const DEFINITE_REJECTIONS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_REQUIRED_ACKS',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'INVALID_TOPIC_EXCEPTION',
  'POLICY_VIOLATION',
]);

interface KafkaLikeError {
  name?: string;
  type?: string;
  retriable?: boolean;
  cause?: unknown;
  originalError?: unknown;
}

export function classifySendError(err: unknown): SendOutcome {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const k = e as KafkaLikeError;
    if (k.type && DEFINITE_REJECTIONS.has(k.type)) return 'failed';
    e = k.cause ?? k.originalError;
  }
  return 'indeterminate';
}

/**
 * Kafka protocol error codes (as librdkafka's delivery reports carry them) where the broker
 * refused the records without writing them: the same set as DEFINITE_REJECTIONS.
 */
const DEFINITE_REJECTION_CODES = new Map<number, string>([
  [2, 'CORRUPT_MESSAGE'],
  [10, 'MESSAGE_TOO_LARGE'],
  [17, 'INVALID_TOPIC_EXCEPTION'],
  [18, 'RECORD_LIST_TOO_LARGE'],
  [21, 'INVALID_REQUIRED_ACKS'],
  [29, 'TOPIC_AUTHORIZATION_FAILED'],
  [31, 'CLUSTER_AUTHORIZATION_FAILED'],
  [43, 'UNSUPPORTED_FOR_MESSAGE_FORMAT'],
  [44, 'POLICY_VIOLATION'],
  [87, 'INVALID_RECORD'],
]);

/**
 * A librdkafka delivery report's error: `failed` only for a definite broker rejection;
 * local timeouts (-192), fatal idempotence errors, lost connections and everything
 * unknown are `indeterminate` (the record may have been written).
 */
export function classifyDeliveryError(err: unknown): SendOutcome {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' && DEFINITE_REJECTION_CODES.has(code) ? 'failed' : 'indeterminate';
}
