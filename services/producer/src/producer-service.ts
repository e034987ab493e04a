import { createHash } from 'node:crypto';
import { createKafka, kafkaConnectionFrom, systemClock, type ServiceDefinition } from '@mirrorlab/service-kit';
import { ControlTopic, producerPolicy, RunCoordinator, type ScenarioRunInfo } from '@mirrorlab/control';
import { producerEnv } from './config';
import { connectKafkaSink } from './kafka-sink';
import { payloadForSpec } from './payload-for-spec';
import { ProducerMetrics } from './producer-metrics';
import { ProducerRun, type RecordSink } from './producer-run';
import { rateAtFor, recordsPerSecondFor } from './rate-share';

/** Records the client may hold queued or in flight: a few seconds of a fast producer, so one stalled partition's backlog fits. */
const MAX_QUEUED_RECORDS = 200_000;

export interface ProducerServiceOptions {
  /** Wraps each run's sink; tests only (src/testing), so the shipped bundle has no way to fake a send. */
  wrapSink?: (sink: RecordSink) => RecordSink;
}

/** The producer service: follows the control topic and runs its share of each scenario's workload. */
export function producerService(options: ProducerServiceOptions = {}): ServiceDefinition<typeof producerEnv> {
  return {
    name: 'producer',
    defaultPort: 8081,
    env: producerEnv,
    async start({ config, instance, logger, registry, http, shutdown }) {
      const producerId = config.PRODUCER_ID ?? instance;
      const metrics = new ProducerMetrics(registry);
      const source = kafkaConnectionFrom(config, 'SOURCE_KAFKA');
      const control = new ControlTopic({
        kafka: createKafka(kafkaConnectionFrom(config, 'CONTROL_KAFKA'), `mirrorlab-producer-${producerId}`, logger),
        topic: config.CONTROL_TOPIC,
        logger,
        registry,
      });

      // When each scenario's measured workload started (scenario.measuring): quiet topics go quiet counted from it.
      const measuringAt = new Map<string, number>();
      const coordinator = new RunCoordinator({
        policy: producerPolicy,
        onlyScenario: config.SCENARIO_ID,
        nowMs: systemClock.nowMs,
        logger,
        onRunsChanged: (n) => metrics.activeRuns.set(n),
        createRun: (info: ScenarioRunInfo) => {
          // Parsed when the event was decoded, defaults applied once by the provisioner.
          const spec = info.started.spec;
          const log = logger.child({ scenarioId: info.scenarioId });
          const acks = config.ACKS === 'scenario' ? spec.workload.acks : config.ACKS;
          const seed = spec.seed ^ createHash('sha256').update(producerId).digest().readInt32BE(0);
          let run: ProducerRun | undefined;
          return {
            start: async () => {
              const payload = await payloadForSpec(spec, seed, config.PAYLOAD_DIR);
              // A client per run: its queues, and its metadata, belong to this scenario's topics only.
              const client = await connectKafkaSink(
                source,
                `mirrorlab-producer-${producerId}`,
                {
                  acks,
                  idempotent: config.IDEMPOTENT,
                  compression: config.COMPRESSION,
                  lingerMs: config.LINGER,
                  batchBytes: config.BATCH_BYTES,
                  deliveryTimeoutMs: config.REQUEST_TIMEOUT,
                  retries: config.SEND_RETRIES,
                  maxQueuedRecords: MAX_QUEUED_RECORDS,
                  // One id per producer and scenario: a restarted producer fences its earlier self.
                  ...(spec.workload.transactions !== undefined ? { transactionalId: `mirrorlab-${info.scenarioId}-${producerId}` } : {}),
                },
                log,
              );
              const sink = options.wrapSink ? options.wrapSink(client) : client;
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
                clock: systemClock,
                logger: log,
                metrics,
                maxBatchRecords: config.MAX_BATCH_RECORDS,
                // The last records' reports can take up to the delivery timeout; a little more, then indeterminate.
                flushTimeoutMs: config.REQUEST_TIMEOUT + 5_000,
                progressIntervalMs: config.PROGRESS_INTERVAL,
                partitionCheckIntervalMs: config.PARTITION_CHECK_INTERVAL,
                measuringAtMs: () => measuringAt.get(info.scenarioId),
                acksAll: acks === 'all',
              });
              await run.start().finally(() => client.disconnect());
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

      await control.follow(
        (event) => {
          if (event.type === 'scenario.measuring') measuringAt.set(event.scenarioId, event.measuringAtMs);
          coordinator.onEvent(event);
        },
        {
          groupId: `mirrorlab-producer-${producerId}`,
          onCaughtUp: () => coordinator.onCaughtUp(),
        },
      );
    },
  };
}
