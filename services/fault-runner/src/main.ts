import { Queue } from 'bullmq';
import { orExitOnConfigError } from '@mirrorlab/kube';
import { findLab } from '@mirrorlab/lab';
import { QUEUE_NAMES } from '@mirrorlab/protocol';
import { createKafka, createRedis, kafkaConnectionFrom, runService } from '@mirrorlab/service-kit';
import { ControlTopic } from '@mirrorlab/control';
import { RedisActiveFaultLedger } from './active-fault-ledger';
import { createFaultBackend } from './backend-factory';
import { faultRunnerEnv } from './config';
import { controlTopicFaultEvents } from './fault-events';
import { FaultMetrics } from './fault-metrics';
import { FaultRunner } from './fault-runner';
import { createFaultWorker } from './fault-worker';
import { KafkaAdmins } from './kafka-admin';
import { bullmqSafetyHeals } from './safety-heals';

void runService({
  name: 'fault-runner',
  defaultPort: 8083,
  env: faultRunnerEnv,
  async start({ config, instance, logger, registry, http, shutdown }) {
    // The backend first: a kubeconfig that is missing stops the runner like a bad variable, before any client starts.
    const admins = new KafkaAdmins(
      { source: kafkaConnectionFrom(config, 'SOURCE_KAFKA'), target: kafkaConnectionFrom(config, 'TARGET_KAFKA') },
      logger,
      config.ADMIN_TIMEOUT,
    );
    const backend = await orExitOnConfigError(
      'fault-runner',
      createFaultBackend({
        backend: config.FAULT_BACKEND,
        labDir: config.LAB_DIR,
        healTimeoutMs: config.HEAL_TIMEOUT,
        admins,
        logger,
        kubernetes: config,
      }),
    );
    if (backend.name === 'local') logger.info('lab_found', { dir: findLab(config.LAB_DIR).dir });
    shutdown.register('backend', () => backend.close());

    const metrics = new FaultMetrics(registry);
    // Publishes only (never follows): no invalid-event counter of its own, as metrics.json says.
    const control = new ControlTopic({
      kafka: createKafka(kafkaConnectionFrom(config, 'CONTROL_KAFKA'), `mirrorlab-fault-runner-${instance}`, logger),
      topic: config.CONTROL_TOPIC,
      logger,
    });
    shutdown.register('control-topic', () => control.close());
    const redis = createRedis(config.REDIS_URL, logger);
    shutdown.register('redis', () => void redis.disconnect());
    const queue = new Queue(QUEUE_NAMES.faults, { connection: redis });
    shutdown.register('faults-queue', () => queue.close());

    await admins.run('target', 'creating the control topic', (admin, call) =>
      call(control.ensureExists(admin), 'creating the control topic'),
    );
    const runner = new FaultRunner({
      backend,
      ledger: new RedisActiveFaultLedger(redis),
      events: controlTopicFaultEvents(control, instance),
      safetyHeals: bullmqSafetyHeals(queue),
      metrics,
      logger,
      safetyHealMarginMs: config.SAFETY_HEAL_MARGIN,
    });
    // Faults a previous runner left active are healed before any new job is taken.
    const leftovers = await runner.healLeftovers();
    logger.info('faults_leftovers_healed', {
      healed: leftovers.healed,
      unverified: leftovers.unverified,
      corrupt: leftovers.corrupt.length,
    });

    const worker = createFaultWorker({ connection: redis, runner, concurrency: config.WORKER_CONCURRENCY, logger, metrics });
    // On SIGTERM the job in flight finishes; active faults are NOT healed: they stay
    // recorded and are healed by their heal jobs or by the next runner's start.
    shutdown.register('faults-worker', () => worker.close());
    http.readiness.push({ name: 'faults_worker_running', check: () => worker.isRunning() });
    void worker.run().catch((err: unknown) => logger.error('fault_worker_stopped', { err }));
    logger.info('faults_worker_started', { queue: QUEUE_NAMES.faults, concurrency: config.WORKER_CONCURRENCY, backend: backend.name });
  },
});
