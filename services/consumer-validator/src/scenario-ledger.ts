import type { ControlEvent } from '@mirrorlab/control';
import { latestPartition, type ProducerReport, type ValidatorSnapshot } from '@mirrorlab/validation';

interface PublishedState {
  atMs: number;
  state: unknown;
}

/**
 * What other instances published about each scenario, folded from the control
 * topic: the latest checker state of every validator (for partition handover)
 * and the latest report of every producer (for the live `lost` gauge).
 */
export class ScenarioLedger {
  private readonly validatorStates = new Map<string, Map<string, PublishedState>>();
  private readonly producerReports = new Map<string, Map<string, ProducerReport>>();

  apply(event: ControlEvent): void {
    if (event.type === 'validator.report') {
      const perValidator = getOrCreate(this.validatorStates, event.scenarioId);
      const prev = perValidator.get(event.validatorId);
      if (!prev || prev.atMs <= event.atMs) perValidator.set(event.validatorId, { atMs: event.atMs, state: event.state });
    } else if (event.type === 'producer.progress' && event.keys) {
      getOrCreate(this.producerReports, event.scenarioId).set(event.producerId, { producerId: event.producerId, scenarioId: event.scenarioId, keys: event.keys });
    }
  }

  /** The most advanced published state of one partition, if any validator published it. */
  latestPartition(scenarioId: string, topic: string, partition: number): ValidatorSnapshot | undefined {
    const states = [...(this.validatorStates.get(scenarioId)?.values() ?? [])].sort((a, b) => a.atMs - b.atMs).map((s) => s.state);
    return latestPartition(states, topic, partition);
  }

  producers(scenarioId: string): ProducerReport[] {
    return [...(this.producerReports.get(scenarioId)?.values() ?? [])];
  }
}

function getOrCreate<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let m = map.get(key);
  if (!m) map.set(key, (m = new Map()));
  return m;
}
