import { ValidatorReports, type ControlEvent } from '@mirrorlab/control';
import { latestPartition, type ProducerReport, type ValidatorSnapshot } from '@mirrorlab/validation';

/**
 * What other instances published about each scenario, folded from the control
 * topic: the validators' reports that count (`ValidatorReports`: the latest of each
 * incarnation), for partition handover, and the latest report of every producer
 * (for the live `lost` gauge).
 */
export class ScenarioLedger {
  private readonly validatorReports = new Map<string, ValidatorReports>();
  private readonly producerReports = new Map<string, Map<string, ProducerReport>>();

  apply(event: ControlEvent): void {
    if (event.type === 'validator.report') {
      let reports = this.validatorReports.get(event.scenarioId);
      if (reports === undefined) this.validatorReports.set(event.scenarioId, (reports = new ValidatorReports()));
      reports.apply(event);
    } else if (event.type === 'producer.progress' && event.keys) {
      getOrCreate(this.producerReports, event.scenarioId).set(event.producerId, {
        producerId: event.producerId,
        scenarioId: event.scenarioId,
        keys: event.keys,
      });
    }
  }

  /** The most advanced published state of one partition, if any validator published it. */
  latestPartition(scenarioId: string, topic: string, partition: number): ValidatorSnapshot | undefined {
    const states = (this.validatorReports.get(scenarioId)?.counted() ?? []).map((r) => r.state);
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
