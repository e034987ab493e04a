import { classifySendError } from './send-outcome';

describe('classifySendError', () => {
  it('counts a definite broker rejection as failed, also when wrapped', () => {
    expect(classifySendError({ name: 'KafkaJSProtocolError', type: 'MESSAGE_TOO_LARGE', retriable: false })).toBe('failed');
    expect(classifySendError({ name: 'KafkaJSNonRetriableError', cause: { type: 'TOPIC_AUTHORIZATION_FAILED' } })).toBe('failed');
  });

  it('counts timeouts, lost connections and exhausted retries as indeterminate', () => {
    expect(classifySendError({ name: 'KafkaJSRequestTimeoutError' })).toBe('indeterminate');
    expect(classifySendError({ name: 'KafkaJSConnectionError', retriable: true })).toBe('indeterminate');
    expect(classifySendError({ name: 'KafkaJSNumberOfRetriesExceeded', originalError: { type: 'NOT_LEADER_FOR_PARTITION' } })).toBe('indeterminate');
    expect(classifySendError(new Error('socket hang up'))).toBe('indeterminate');
    expect(classifySendError(undefined)).toBe('indeterminate');
  });

  it('survives a cause cycle', () => {
    const a: { cause?: unknown } = {};
    a.cause = a;
    expect(classifySendError(a)).toBe('indeterminate');
  });
});
