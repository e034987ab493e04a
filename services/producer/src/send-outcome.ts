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
