import { setTimeout as sleep } from 'node:timers/promises';
import { createKafka, kafkaConnectionFrom, runService } from '@mirrorlab/service-kit';
import { ControlTopic, RunCoordinator, validatorPolicy, type ScenarioRunInfo } from '@mirrorlab/control';
import { consumerGroupsEnv } from './config';
import { ConsumerGroupsRun } from './consumer-groups-run';
import { offsetLagBound } from './offset-lag-bound';
import type { Clock } from './group-consumer';

const clock: Clock = {
  nowMs: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};

void runService({
  name: 'consumer-groups',
  defaultPort: 8086,
  env: consumerGroupsEnv,
  async start({ config, instance, logger, registry, http, shutdown }) {
    const consumerId = config.CONSUMER_ID ?? instance;
    const source = createKafka(kafkaConnectionFrom(config, 'SOURCE_KAFKA'), `mirrorlab-consumer-groups-${consumerId}`, logger);
    const target = createKafka(kafkaConnectionFrom(config, 'TARGET_KAFKA'), `mirrorlab-consumer-groups-${consumerId}`, logger);
    const control = new ControlTopic({
      kafka: createKafka(kafkaConnectionFrom(config, 'CONTROL_KAFKA'), `mirrorlab-consumer-groups-${consumerId}`, logger),
      topic: config.CONTROL_TOPIC,
      logger,
      registry,
    });

    const runs = new Map<string, ConsumerGroupsRun>();
    const coordinator = new RunCoordinator({
      // Like validators: until the scenario is drained, so the groups' last translations are seen.
      policy: validatorPolicy(config.DRAIN_GRACE),
      onlyScenario: config.SCENARIO_ID,
      nowMs: clock.nowMs,
      logger,
      createRun: (info: ScenarioRunInfo) => {
        // scenario.started carries the spec parsed, defaults applied (libs/control).
        const spec = info.started.spec;
        const log = logger.child({ scenarioId: info.scenarioId });
        if (spec.consumers.length === 0) return undefined;
        const run = new ConsumerGroupsRun(
          {
            scenarioId: info.scenarioId,
            spec,
            consumerId,
            source,
            target,
            targetTopics: info.started.targetTopics,
            publish: (e) => control.publish(e),
            clock,
            logger: log,
            sessionTimeoutMs: config.SESSION_TIMEOUT,
            translationIntervalMs: config.TRANSLATION_INTERVAL,
            checkpointsTopicWaitMs: config.CHECKPOINTS_TOPIC_WAIT,
            failoverWaitMs: config.FAILOVER_WAIT,
            offsetLagMax: offsetLagBound(spec, config.OFFSET_LAG_MAX),
          },
          info.started.startAtMs,
        );
        runs.set(info.scenarioId, run);
        return run;
      },
    });
    shutdown.register('control-topic', () => control.close());
    shutdown.register('consumer-group-runs', () => coordinator.stopAll('shutdown'));
    http.readiness.push({ name: 'control_topic_caught_up', check: () => coordinator.ready });

    await control.follow(
      (event) => {
        coordinator.onEvent(event);
        // Only live events: a fault of the past was drilled by whoever ran then.
        if (coordinator.ready) runs.get(event.scenarioId)?.onEvent(event);
      },
      {
        groupId: `mirrorlab-consumer-groups-${consumerId}`,
        onCaughtUp: () => coordinator.onCaughtUp(),
      },
    );
  },
});
