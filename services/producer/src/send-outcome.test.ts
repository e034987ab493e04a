import { classifyDeliveryError, classifySendError } from './send-outcome';

describe('classifySendError', () => {
  it('counts a definite broker rejection as failed, also when wrapped', () => {
    expect(classifySendError({ name: 'KafkaJSProtocolError', type: 'MESSAGE_TOO_LARGE', retriable: false })).toBe('failed');
    expect(classifySendError({ name: 'KafkaJSNonRetriableError', cause: { type: 'TOPIC_AUTHORIZATION_FAILED' } })).toBe('failed');
  });

  it('counts timeouts, lost connections and exhausted retries as indeterminate', () => {
    expect(classifySendError({ name: 'KafkaJSRequestTimeoutError' })).toBe('indeterminate');
    expect(classifySendError({ name: 'KafkaJSConnectionError', retriable: true })).toBe('indeterminate');
    expect(classifySendError({ name: 'KafkaJSNumberOfRetriesExceeded', originalError: { type: 'NOT_LEADER_FOR_PARTITION' } })).toBe(
      'indeterminate',
    );
    expect(classifySendError(new Error('socket hang up'))).toBe('indeterminate');
    expect(classifySendError(undefined)).toBe('indeterminate');
  });

  it('survives a cause cycle', () => {
    const a: { cause?: unknown } = {};
    a.cause = a;
    expect(classifySendError(a)).toBe('indeterminate');
  });
});

describe('classifyDeliveryError', () => {
  it('a definite broker rejection fails the record', () => {
    expect(classifyDeliveryError({ code: 10, message: 'Broker: Message size too large' })).toBe('failed');
    expect(classifyDeliveryError({ code: 29 })).toBe('failed');
  });
  it('a local timeout, a fatal error or anything unknown leaves it indeterminate', () => {
    expect(classifyDeliveryError({ code: -192, message: 'Local: Message timed out' })).toBe('indeterminate');
    expect(classifyDeliveryError({ code: -150 })).toBe('indeterminate');
    expect(classifyDeliveryError(new Error('x'))).toBe('indeterminate');
    expect(classifyDeliveryError(null)).toBe('indeterminate');
  });
});
