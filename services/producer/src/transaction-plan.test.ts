import { endTransaction, plannedEnding, transactionErrorAction, type TransactionControl } from './transaction-plan';

const err = (flags: Record<string, boolean>) => Object.assign(new Error('x'), flags);

function fakeTx(commitErrors: unknown[], abortErrors: unknown[] = []): TransactionControl & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    begin: async () => void calls.push('begin'),
    commit: async () => {
      calls.push('commit');
      const e = commitErrors.shift();
      if (e) throw e;
    },
    abort: async () => {
      calls.push('abort');
      const e = abortErrors.shift();
      if (e) throw e;
    },
  };
}

describe('transaction plan', () => {
  it('aborts every abortEvery-th transaction and commits the others; never aborts with abortEvery 0', () => {
    expect(Array.from({ length: 6 }, (_, i) => plannedEnding(i, { size: 10, abortEvery: 3 }))).toEqual([
      'commit',
      'commit',
      'abort',
      'commit',
      'commit',
      'abort',
    ]);
    expect(Array.from({ length: 3 }, (_, i) => plannedEnding(i, { size: 10, abortEvery: 1 }))).toEqual(['abort', 'abort', 'abort']);
    expect(Array.from({ length: 4 }, (_, i) => plannedEnding(i, { size: 10, abortEvery: 0 }))).toEqual([
      'commit',
      'commit',
      'commit',
      'commit',
    ]);
  });

  it('reads librdkafka error flags; an error without flags is fatal', () => {
    expect(transactionErrorAction(err({ isRetriable: true }))).toBe('retry');
    expect(transactionErrorAction(err({ isTxnRequiresAbort: true, isRetriable: true }))).toBe('abort');
    expect(transactionErrorAction(err({ isFatal: true, isRetriable: true }))).toBe('fatal');
    expect(transactionErrorAction(new Error('?'))).toBe('fatal');
    expect(transactionErrorAction(undefined)).toBe('fatal');
  });
});

describe('endTransaction', () => {
  const noop = () => undefined;

  it('books a committed transaction acked, retrying a retriable commit', async () => {
    const tx = fakeTx([err({ isRetriable: true })]);
    expect(await endTransaction(tx, 'commit', 3, noop)).toEqual({ outcome: 'acked', fatal: false });
    expect(tx.calls).toEqual(['commit', 'commit']);
  });

  it('books a planned abort aborted', async () => {
    const tx = fakeTx([]);
    expect(await endTransaction(tx, 'abort', 3, noop)).toEqual({ outcome: 'aborted', fatal: false });
    expect(tx.calls).toEqual(['abort']);
  });

  it('aborts a commit that requires it: its records were never committed', async () => {
    const tx = fakeTx([err({ isTxnRequiresAbort: true })]);
    const errors: string[] = [];
    expect(await endTransaction(tx, 'commit', 3, (what, _e, action) => errors.push(`${what}:${action}`))).toEqual({
      outcome: 'aborted',
      fatal: false,
    });
    expect(tx.calls).toEqual(['commit', 'abort']);
    expect(errors).toEqual(['commit:abort']);
  });

  it('leaves the outcome unknown (indeterminate) and the producer unusable on a fatal error or exhausted retries', async () => {
    expect(await endTransaction(fakeTx([err({ isFatal: true })]), 'commit', 3, noop)).toEqual({ outcome: 'indeterminate', fatal: true });
    const retriable = () => err({ isRetriable: true });
    expect(await endTransaction(fakeTx([retriable(), retriable(), retriable()]), 'commit', 3, noop)).toEqual({
      outcome: 'indeterminate',
      fatal: true,
    });
    expect(await endTransaction(fakeTx([], [err({ isFatal: true })]), 'abort', 3, noop)).toEqual({ outcome: 'indeterminate', fatal: true });
  });
});
