import { Queue, Worker } from 'bullmq';
import { orExitOnConfigError } from '@mirrorlab/kube';
import { QUEUE_NAMES } from '@mirrorlab/protocol';
import { createKafka, createRedis, kafkaConnectionFrom, runService, systemClock } from '@mirrorlab/service-kit';
import { ControlTopic, ScenarioViews } from '@mirrorlab/control';
import { redisAbortFlags } from './abort-flags';
import { provisionerEnv, runnerSettings, workerSettings } from './config';
import { RunInterrupted } from './errors';
import { sweepFailedRuns } from './failed-run-sweeper';
import { bullmqFaultQueue } from './fault-schedule';
import { ProvisionerMetrics } from './provisioner-metrics';
import { scenarioRoutes } from './scenario-api';
import { bullmqScenarioJobs } from './scenario-jobs';
import { scenarioProcessor } from './scenario-processor';
import { ScenarioRunner } from './scenario-runner';
import { kafkaSourceOffsets, SourceAuditor } from './source-auditor';
import { kafkaTopicAdmin, TopicProvisioner } from './topic-provisioning';
import { workloadFor } from './workload/workload-for';

const SWEEP_INTERVAL_MS = 60_000;

void runService({
  name: 'provisioner',
  defaultPort: 8084,
  env: provisionerEnv,
  async start({ config, instance, logger, registry, http, shutdown }) {
    const redis = createRedis(config.REDIS_URL, logger);
    // A missing kubeconfig (ORCHESTRATOR=kubernetes) stops the provisioner like a bad variable.
    const workload = await orExitOnConfigError('provisioner', workloadFor(config, redis, logger));
    const scenarios = new Queue(QUEUE_NAMES.scenarios, { connection: redis });
    const faults = new Queue(QUEUE_NAMES.faults, { connection: redis });
    shutdown.register('redis', async () => void (await redis.quit().catch(() => redis.disconnect())));
    shutdown.register('queues', () => Promise.all([scenarios.close(), faults.close()]).then(() => undefined));
    const metrics = new ProvisionerMetrics(registry, async () => ({
      [QUEUE_NAMES.scenarios]: await scenarios.getJobCounts(),
      [QUEUE_NAMES.faults]: await faults.getJobCounts(),
    }));
    const flags = redisAbortFlags(redis);
    // Every scenario's control events, folded: after a restart the provisioner knows exactly which of its
    // announcements already went out, and sees producers' and validators' reports for draining and the status API.
    const watch = new ScenarioViews({ detail: 'state', maxScenarios: 500 });
    let caughtUp = false;

    const clientId = `mirrorlab-provisioner-${instance}`;
    const control = new ControlTopic({
      kafka: createKafka(kafkaConnectionFrom(config, 'CONTROL_KAFKA'), clientId, logger),
      topic: config.CONTROL_TOPIC,
      logger,
      registry,
    });
    const sourceAdmin = createKafka(kafkaConnectionFrom(config, 'SOURCE_KAFKA'), clientId, logger).admin();
    const targetAdmin = createKafka(kafkaConnectionFrom(config, 'TARGET_KAFKA'), clientId, logger).admin();
    shutdown.register('kafka-admins', () => Promise.allSettled([sourceAdmin.disconnect(), targetAdmin.disconnect()]).then(() => undefined));
    shutdown.register('control-topic', () => control.close());
    await Promise.all([sourceAdmin.connect(), targetAdmin.connect()]);

    const runner = new ScenarioRunner({
      topics: new TopicProvisioner({
        source: kafkaTopicAdmin(sourceAdmin),
        target: kafkaTopicAdmin(targetAdmin),
        clock: systemClock,
        logger,
      }),
      publish: (e) => control.publish(e),
      watch,
      faults: bullmqFaultQueue(faults),
      workload,
      clock: systemClock,
      logger,
      metrics,
      audit: new SourceAuditor({
        reader: kafkaSourceOffsets(sourceAdmin),
        publish: (e) => control.publish(e),
        clock: systemClock,
        logger,
        source: instance,
        intervalMs: config.SOURCE_AUDIT_INTERVAL,
      }),
      source: instance,
      settings: runnerSettings(config),
    });
    const stopping = new AbortController();
    const processor = scenarioProcessor({ runner, flags, shutdown: stopping.signal, logger, metrics, abortPollMs: 500 });
    const worker = new Worker(QUEUE_NAMES.scenarios, processor, {
      connection: createRedis(config.REDIS_URL, logger),
      autorun: false,
      ...workerSettings(config),
    });
    worker.on('error', (err) => logger.error('scenario_worker_error', { err }));
    const sweep = () =>
      sweepFailedRuns({ failedJobs: () => scenarios.getFailed(0, 99), runner, shutdown: stopping.signal, logger }).catch((err: unknown) =>
        logger.error('failed_run_sweep_failed', { err }),
      );
    const sweeper = setInterval(() => void sweep(), SWEEP_INTERVAL_MS).unref();
    // Registered last so it runs first: the job in flight goes back to the queue, resumable; scenarios are not aborted.
    shutdown.register('scenario-worker', async () => {
      clearInterval(sweeper);
      stopping.abort(new RunInterrupted('shutdown'));
      await worker.close();
    });

    http.api.use(scenarioRoutes({ jobs: bullmqScenarioJobs(scenarios, flags), watch, nowMs: systemClock.nowMs, logger }));
    http.readiness.push(
      { name: 'control_topic_caught_up', check: () => caughtUp },
      { name: 'redis', check: () => redis.status === 'ready' },
    );

    // Jobs are taken only once the control topic is caught up: a resumed run must know what it already announced.
    await control.follow(
      (event) => {
        watch.apply(event);
      },
      {
        groupId: `mirrorlab-provisioner-${instance}`,
        onCaughtUp: () => {
          if (caughtUp) return;
          caughtUp = true;
          logger.info('control_topic_caught_up');
          void worker.run().catch((err: unknown) => logger.error('scenario_worker_failed', { err }));
          void sweep();
        },
      },
    );
  },
});
