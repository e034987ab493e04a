/**
 * A transactional workload: records go out in transactions of `size` records, and every
 * `abortEvery`-th transaction is aborted on purpose (0: none). The checker must then find
 * no record of an aborted transaction on the target (`aborted-read`).
 */
export interface TransactionSettings {
  size: number;
  abortEvery: number;
}

/** How one transaction ends. */
export type TransactionEnding = 'commit' | 'abort';

/** The 1st..(abortEvery-1)-th transactions commit, the abortEvery-th aborts, and so on: index 0 is the first. */
export function plannedEnding(index: number, s: TransactionSettings): TransactionEnding {
  return s.abortEvery > 0 && index % s.abortEvery === s.abortEvery - 1 ? 'abort' : 'commit';
}

/**
 * What to do after a failed commit or abort, from the librdkafka error's flags
 * (rd_kafka_error_is_retriable / txn_requires_abort / is_fatal), as librdkafka documents:
 * retry the same call; abort the transaction (its records were never committed); or give
 * up on the producer (its records' outcome is unknown: indeterminate). An error without
 * flags is treated as fatal: guessing "committed" or "aborted" would make the checker lie.
 */
export type TransactionErrorAction = 'retry' | 'abort' | 'fatal';

export function transactionErrorAction(err: unknown): TransactionErrorAction {
  const e = (err ?? {}) as { isFatal?: boolean; isRetriable?: boolean; isTxnRequiresAbort?: boolean };
  if (e.isFatal === true) return 'fatal';
  if (e.isTxnRequiresAbort === true) return 'abort';
  if (e.isRetriable === true) return 'retry';
  return 'fatal';
}

/** Transactions as a RecordSink offers them (kafka-sink.ts adapts librdkafka's calls). */
export interface TransactionControl {
  begin(): Promise<void>;
  /** Rejects with the client's error; see `transactionErrorAction`. */
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** The outcome booked for every record of a transaction once it has ended. */
export type TransactionOutcome = 'acked' | 'aborted' | 'indeterminate';

/**
 * Ends a transaction as planned, retrying retriable errors up to `attempts` times per call:
 * `acked` when the commit went through, `aborted` when an abort did (planned, or after a
 * commit that requires one), `indeterminate` when the producer is left unusable (fatal, or
 * retries exhausted): `fatal` then says so, and the run must stop.
 */
export async function endTransaction(
  tx: TransactionControl,
  ending: TransactionEnding,
  attempts: number,
  onError: (what: 'commit' | 'abort', err: unknown, action: TransactionErrorAction) => void,
): Promise<{ outcome: TransactionOutcome; fatal: boolean }> {
  const attempt = async (what: 'commit' | 'abort'): Promise<TransactionErrorAction | 'ok'> => {
    for (let i = 0; i < attempts; i++) {
      try {
        await (what === 'commit' ? tx.commit() : tx.abort());
        return 'ok';
      } catch (err) {
        const action = transactionErrorAction(err);
        onError(what, err, action);
        // An abort that itself "requires abort" is retried like a retriable error.
        if (action === 'fatal' || (what === 'commit' && action === 'abort')) return action;
      }
    }
    return 'fatal';
  };
  if (ending === 'commit') {
    const r = await attempt('commit');
    if (r === 'ok') return { outcome: 'acked', fatal: false };
    if (r !== 'abort') return { outcome: 'indeterminate', fatal: true };
  }
  const a = await attempt('abort');
  return a === 'ok' ? { outcome: 'aborted', fatal: false } : { outcome: 'indeterminate', fatal: true };
}
