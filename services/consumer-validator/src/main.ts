import { randomBytes } from 'node:crypto';
import { isMainThread, workerData } from 'node:worker_threads';
import { createKafka, kafkaConnectionFrom, runService } from '@mirrorlab/service-kit';
import { ControlTopic, RunCoordinator, ScenarioViews, validatorPolicy } from '@mirrorlab/control';
import { validatorEnv } from './config';
import { isFetchThreadData, runFetchThread, startFetchThread } from './fetch-thread-main';
import { kafkaRecordSource } from './kafka-record-source';
import { threadedRecordSource } from './threaded-record-source';
import { validatorReading } from './read-isolation';
import { ValidationRun } from './validation-run';
import { ValidatorMetrics } from './validator-metrics';

// The bundle is one file: a fetch thread (FETCH_THREAD) runs it too, and only serves its checking thread.
if (!isMainThread && isFetchThreadData(workerData)) runFetchThread(workerData);
else
  void runService({
    name: 'consumer-validator',
    defaultPort: 8082,
    env: validatorEnv,
    async start({ config, instance, logger, registry, http, shutdown }) {
      const validatorId = config.VALIDATOR_ID ?? instance;
      // New at each start: a validator restarted under the same id starts over, and its reports say so.
      const incarnation = randomBytes(6).toString('hex');
      const metrics = new ValidatorMetrics(registry);
      const targetConnection = kafkaConnectionFrom(config, 'TARGET_KAFKA');
      const target = createKafka(targetConnection, `mirrorlab-validator-${validatorId}`, logger);
      const control = new ControlTopic({
        kafka: createKafka(kafkaConnectionFrom(config, 'CONTROL_KAFKA'), `mirrorlab-validator-${validatorId}`, logger),
        topic: config.CONTROL_TOPIC,
        logger,
        registry,
      });
      // What the others published (the validators' reports that count, for handover; the producers' key
      // reports, for the live `lost` gauge) and the lifecycle: one view per scenario, folded by the coordinator.
      const views = new ScenarioViews({ detail: 'state' });

      const coordinator: RunCoordinator = new RunCoordinator({
        policy: validatorPolicy(config.DRAIN_GRACE),
        views,
        onlyScenario: config.SCENARIO_ID,
        nowMs: () => Date.now(),
        logger,
        createRun: (info): ValidationRun => {
          const reading = validatorReading(config.READ_ISOLATION, info.started.spec, config.GROUP_PREFIX, info.scenarioId);
          const sourceAudit = config.SOURCE_AUDIT;
          // The audit consumer reads in a group of its own: it must not take the target validators' partitions.
          const groupId = sourceAudit ? `${config.GROUP_PREFIX}-source-audit-${info.scenarioId}` : reading.groupId;
          const sourceOptions = {
            groupId,
            sessionTimeoutMs: config.SESSION_TIMEOUT,
            isolation: reading.isolation,
            fetchMaxBytes: config.FETCH_MAX_BYTES,
            fetchMaxPartitionBytes: config.FETCH_MAX_PARTITION_BYTES,
          };
          return new ValidationRun({
            started: info.started,
            validatorId,
            incarnation,
            groupId,
            reportIsolation: sourceAudit ? undefined : reading.reportIsolation,
            source: config.FETCH_THREAD
              ? threadedRecordSource(
                  () =>
                    startFetchThread(
                      __filename,
                      {
                        connection: targetConnection,
                        clientId: `mirrorlab-validator-${validatorId}`,
                        source: sourceOptions,
                        maxInflightBytes: config.FETCH_THREAD_MAX_INFLIGHT_BYTES,
                        log: { service: 'consumer-validator', instance, level: config.LOG_LEVEL },
                      },
                      logger,
                    ),
                  // The run cannot read any more: this validator stops, and its partitions go to the others (or to its restart).
                  (error) => {
                    logger.error('fetch_thread_failed', { scenarioId: info.scenarioId, err: error });
                    void shutdown.shutdown('fetch_thread_failed').then(() => process.exit(1));
                  },
                )
              : kafkaRecordSource(target, sourceOptions),
            publish: (e) => control.publish(e),
            sourceAudit,
            // A partition taken over continues from the latest state of this validator's own set (the audit
            // consumer's, or its isolation's).
            latestPartition: (topic, partition) =>
              info.view.latestPartition(topic, partition, sourceAudit ? 'source-audit' : (reading.reportIsolation ?? 'read_committed')),
            producerReports: () => info.view.producerReports(),
            isStopping: (): boolean => info.view.isStopping(),
            logger: logger.child({ scenarioId: info.scenarioId }),
            metrics,
            reportIntervalMs: config.REPORT_INTERVAL,
            maxExamples: config.MAX_EXAMPLES,
            nowUs: () => Math.round((performance.timeOrigin + performance.now()) * 1000),
          });
        },
      });
      shutdown.register('control-topic', () => control.close());
      shutdown.register('validation-runs', () => coordinator.stopAll('shutdown'));
      http.readiness.push({ name: 'control_topic_caught_up', check: () => coordinator.ready });

      await control.follow((event) => coordinator.onEvent(event), {
        groupId: `mirrorlab-validator-control-${validatorId}`,
        onCaughtUp: () => coordinator.onCaughtUp(),
      });
    },
  });
