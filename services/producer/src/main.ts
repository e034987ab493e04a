import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { validateScenario, type ScenarioRunInfo } from '@mirrorlab/protocol';
import { ControlTopic, createKafka, kafkaConnectionFrom, producerPolicy, RunCoordinator, runService } from '@mirrorlab/service-kit';
import { producerEnv } from './config';
import { connectKafkaSink } from './kafka-sink';
import { payloadForSpec } from './payload-for-spec';
import { ProducerMetrics } from './producer-metrics';
import { ProducerRun, type Clock } from './producer-run';
import { rateAtFor, recordsPerSecondFor } from './rate-share';

const clock: Clock = {
  nowMs: () => Date.now(),
  nowUs: () => Math.round((performance.timeOrigin + performance.now()) * 1000),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};

/** librdkafka `batch.size` per partition: as in the client benchmark (bench/clients). */
const BATCH_BYTES = 256 * 1024;
/** Records the client may hold queued or in flight: a few seconds of a fast producer, so one stalled partition's backlog fits. */
const MAX_QUEUED_RECORDS = 200_000;

void runService({
  name: 'producer',
  defaultPort: 8081,
  env: producerEnv,
  async start({ config, instance, logger, registry, http, shutdown }) {
    const producerId = config.PRODUCER_ID ?? instance;
    const metrics = new ProducerMetrics(registry);
    const source = kafkaConnectionFrom(config, 'SOURCE_KAFKA');
    const control = new ControlTopic({ kafka: createKafka(kafkaConnectionFrom(config, 'CONTROL_KAFKA'), `mirrorlab-producer-${producerId}`, logger), topic: config.CONTROL_TOPIC, logger, registry });

    const skip = new Set(config.TEST_SKIP_RECORD_INDEXES);

    const coordinator = new RunCoordinator({
      policy: producerPolicy,
      onlyScenario: config.SCENARIO_ID,
      nowMs: clock.nowMs,
      logger,
      onRunsChanged: (n) => metrics.activeRuns.set(n),
      createRun: (info: ScenarioRunInfo) => {
        const parsed = validateScenario(info.started.spec);
        const log = logger.child({ scenarioId: info.scenarioId });
        if (!parsed.ok) {
          log.error('scenario_spec_invalid', { problems: parsed.error.problems });
          return undefined;
        }
        const spec = parsed.spec;
        const acks = config.ACKS === 'scenario' ? spec.workload.acks : config.ACKS;
        const seed = spec.seed ^ createHash('sha256').update(producerId).digest().readInt32BE(0);
        let run: ProducerRun | undefined;
        return {
          start: async () => {
            const payload = await payloadForSpec(spec, seed, config.PAYLOAD_DIR);
            // A client per run: its queues, and its metadata, belong to this scenario's topics only.
            const sink = await connectKafkaSink(
              source,
              `mirrorlab-producer-${producerId}`,
              {
                acks,
                idempotent: config.IDEMPOTENT,
                compression: config.COMPRESSION,
                lingerMs: config.LINGER,
                batchBytes: BATCH_BYTES,
                deliveryTimeoutMs: config.REQUEST_TIMEOUT,
                retries: config.SEND_RETRIES,
                maxQueuedRecords: MAX_QUEUED_RECORDS,
                // One id per producer and scenario: a restarted producer fences its earlier self.
                ...(spec.workload.transactions !== undefined ? { transactionalId: `mirrorlab-${info.scenarioId}-${producerId}` } : {}),
              },
              log,
            );
            run = new ProducerRun({
              scenarioId: info.scenarioId,
              spec,
              producerId,
              recordsPerSecond: recordsPerSecondFor(spec.workload, payload.meanBytes),
              rateAt: rateAtFor(spec.workload, payload.meanBytes),
              meanRecordBytes: payload.meanBytes,
              startAtMs: info.started.startAtMs,
              endAtMs: info.started.endAtMs,
              payload: payload.source,
              sink,
              publish: (e) => control.publish(e),
              clock,
              logger: log,
              metrics,
              maxBatchRecords: config.MAX_BATCH_RECORDS,
              // The last records' reports can take up to the delivery timeout; a little more, then indeterminate.
              flushTimeoutMs: config.REQUEST_TIMEOUT + 5_000,
              progressIntervalMs: config.PROGRESS_INTERVAL,
              partitionCheckIntervalMs: config.PARTITION_CHECK_INTERVAL,
              skipRecordIndexes: skip,
            });
            await run.start().finally(() => sink.disconnect());
          },
          requestStop: async (reason) => {
            await run?.requestStop(reason);
          },
        };
      },
    });
    // Registered before the control topic closes, so the final reports still go out on SIGTERM.
    shutdown.register('control-topic', () => control.close());
    shutdown.register('producer-runs', () => coordinator.stopAll('shutdown'));
    http.readiness.push({ name: 'control_topic_caught_up', check: () => coordinator.ready });

    await control.follow((event) => coordinator.onEvent(event), {
      groupId: `mirrorlab-producer-${producerId}`,
      onCaughtUp: () => coordinator.onCaughtUp(),
    });
  },
});
