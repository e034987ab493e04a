import { decodeRecord, type ConsumedHeaders } from '@mirrorlab/protocol';
import type { ProcessedIdentity } from './processed-ledger';

/**
 * The identity of a source record of this scenario, or null (a foreign or corrupt record, or
 * another run's: processed all the same, it just names no sequence). Never throws.
 */
export function identityOf(
  scenarioId: string,
  r: { key: Buffer | null; value: Buffer | null; headers?: ConsumedHeaders },
): ProcessedIdentity | null {
  const decoded = decodeRecord({ key: r.key, value: r.value, headers: r.headers });
  const identity = decoded.ok ? { meta: decoded.record.meta, key: decoded.record.key } : decoded.identity;
  if (identity === undefined || identity.meta.scenarioId !== scenarioId) return null;
  return { producerId: identity.meta.producerId, keyEpoch: identity.meta.keyEpoch, key: identity.key, seq: identity.meta.seq };
}
