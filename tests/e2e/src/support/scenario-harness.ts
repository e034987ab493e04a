import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import type { LabState } from '@mirrorlab/lab';
import { mirroredTopicName } from '@mirrorlab/lab';
import { validateScenario, type ScenarioSpec, type ScenarioSpecInput } from '@mirrorlab/protocol';
import { type ControlEventOf } from '@mirrorlab/control';
import { LatencyHistograms, latestPartitions, reconcile, type Accounting, type ProducerReport } from '@mirrorlab/validation';
import type { ControlProbe } from './control-probe';

export interface HarnessRun {
  scenarioId: string;
  spec: ScenarioSpec;
  sourceTopic: string;
  targetTopic: string;
  endAtMs: number;
}

/**
 * Drives one scenario through the control topic the way the provisioner does:
 * creates the source topic, waits for MirrorMaker 2 to create the target topic,
 * announces start, stop and drain, and computes the final accounting from the
 * published reports exactly as the report-aggregator does.
 */
export class ScenarioHarness {
  constructor(
    private readonly lab: LabState,
    private readonly probe: ControlProbe,
    private readonly sourceAdmin: Admin,
    private readonly targetAdmin: Admin,
  ) {}

  /** `consumers` without a topic read the scenario's topic. */
  async prepare(
    spec: Omit<ScenarioSpecInput, 'topics' | 'consumers'> & {
      partitions: number;
      consumers?: Array<Omit<NonNullable<ScenarioSpecInput['consumers']>[number], 'topic'>>;
    },
  ): Promise<HarnessRun> {
    const scenarioId = `${spec.name}-${randomBytes(3).toString('hex')}`;
    const sourceTopic = `ml.${scenarioId}`;
    const { partitions, consumers, ...rest } = spec;
    const parsed = validateScenario({
      ...rest,
      topics: [{ name: sourceTopic, partitions }],
      consumers: (consumers ?? []).map((c) => ({ ...c, topic: sourceTopic })),
    });
    if (!parsed.ok) throw parsed.error;
    await this.sourceAdmin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: sourceTopic, numPartitions: partitions, replicationFactor: 3 }],
    });
    const targetTopic = mirroredTopicName(this.lab.mm2.replicationPolicy, sourceTopic, this.lab.mm2.sourceAlias);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const meta = await this.targetAdmin.fetchTopicMetadata({ topics: [] });
      const t = meta.topics.find((x) => x.name === targetTopic);
      if (t && t.partitions.length === partitions) break;
      if (Date.now() > deadline) throw new Error(`MirrorMaker 2 did not create ${targetTopic} within 90 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
    return { scenarioId, spec: parsed.spec, sourceTopic, targetTopic, endAtMs: 0 };
  }

  async start(run: HarnessRun): Promise<void> {
    const now = Date.now();
    // Like the provisioner: start a few seconds ahead so validators form their group before data flows.
    const startAtMs = now + 3000;
    run.endAtMs = startAtMs + run.spec.workload.duration;
    await this.probe.publish({
      v: 1,
      type: 'scenario.started',
      scenarioId: run.scenarioId,
      atMs: now,
      source: 'e2e',
      spec: run.spec,
      targetTopics: { [run.sourceTopic]: run.targetTopic },
      startAtMs,
      endAtMs: run.endAtMs,
    });
  }

  /** Waits for the producers' final reports, announces the stop, waits until validators have read everything, announces the drain. */
  async finish(run: HarnessRun, producers: number, validatorIds: readonly string[]): Promise<void> {
    await this.probe.waitFor(
      `${producers} final producer reports`,
      () => this.finalProducerReports(run).length >= producers,
      run.endAtMs - Date.now() + 60_000,
    );
    const stopAt = Date.now();
    await this.probe.publish({
      v: 1,
      type: 'scenario.stopping',
      scenarioId: run.scenarioId,
      atMs: stopAt,
      source: 'e2e',
      reason: 'duration reached',
    });
    const acked = this.finalProducerReports(run).reduce((s, r) => s + r.counts.acked, 0);
    await this.probe.waitFor(
      `validators to drain and see all ${acked} acknowledged records`,
      () => {
        const latest = this.latestValidatorReports(run).filter((r) => validatorIds.includes(r.validatorId));
        if (latest.length < validatorIds.length || !latest.every((r) => r.drained && r.atMs > stopAt)) return false;
        return this.accounting(run).totals.seenDistinct >= acked;
      },
      120_000,
    );
    await this.probe.publish({
      v: 1,
      type: 'scenario.drained',
      scenarioId: run.scenarioId,
      atMs: Date.now(),
      source: 'e2e',
      drained: true,
      waitedMs: Date.now() - stopAt,
    });
    await this.probe.waitFor(
      `final reports of ${validatorIds.join(', ')}`,
      () => this.latestValidatorReports(run).filter((r) => r.final && validatorIds.includes(r.validatorId)).length >= validatorIds.length,
      60_000,
    );
  }

  finalProducerReports(run: HarnessRun) {
    return this.probe.of(run.scenarioId, 'producer.progress').filter((e) => e.final);
  }

  /** The latest report of every validator, oldest first. */
  latestValidatorReports(run: HarnessRun) {
    const latest = new Map<string, ControlEventOf<'validator.report'>>();
    for (const r of this.probe.of(run.scenarioId, 'validator.report')) latest.set(r.validatorId, r);
    return [...latest.values()].sort((a, b) => a.atMs - b.atMs);
  }

  accounting(run: HarnessRun): Accounting {
    const state = latestPartitions(this.latestValidatorReports(run).map((r) => r.state));
    // The latest report of each producer that carries its keys (the final one when it has been published).
    const producers = new Map<string, ProducerReport>();
    for (const p of this.probe.of(run.scenarioId, 'producer.progress'))
      if (p.keys) producers.set(p.producerId, { producerId: p.producerId, scenarioId: p.scenarioId, keys: p.keys });
    return reconcile(state, [...producers.values()]);
  }

  latency(run: HarnessRun): LatencyHistograms {
    const merged = new LatencyHistograms();
    for (const r of this.latestValidatorReports(run))
      merged.mergeFrom(LatencyHistograms.fromSnapshot((r.latency as { endToEnd: unknown }).endToEnd));
    return merged;
  }
}
