import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCsvColumn, parseJsonLinesField, randomPayloadSource, replayPayloadSource, type ScenarioSpec } from '@mirrorlab/protocol';
import type { PayloadSource } from './producer-run';

/** Random bytes of the record size, or replayed captured values read from the scenario's payload file. */
export async function payloadForSpec(
  spec: ScenarioSpec,
  producerSeed: number,
  payloadDir: string,
): Promise<{ source: PayloadSource; meanBytes: number }> {
  const p = spec.workload.payload;
  if (!p)
    return { source: randomPayloadSource({ size: spec.workload.recordSize, seed: producerSeed }), meanBytes: spec.workload.recordSize };
  const text = await readFile(path.resolve(payloadDir, p.file), 'utf8');
  const values = p.format === 'csv' ? parseCsvColumn(text, p.column) : parseJsonLinesField(text, String(p.column));
  const meanBytes = values.reduce((s, v) => s + v.length, 0) / values.length;
  return { source: replayPayloadSource(values), meanBytes };
}
