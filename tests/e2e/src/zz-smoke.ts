import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { findLab, listLinkFaults, interDcLink } from '@mirrorlab/lab';
import { spawnService } from '@mirrorlab/service-kit/testing';
(async () => {
  const lab = findLab('/tmp/ml-h8');
  const svc = await spawnService('services/fault-runner/dist/main.js', {
    SOURCE_KAFKA_BROKERS: lab.source.bootstrap, TARGET_KAFKA_BROKERS: lab.target.bootstrap, CONTROL_KAFKA_BROKERS: lab.target.bootstrap,
    REDIS_URL: lab.redis.url, LAB_DIR: lab.dir, LOG_LEVEL: 'info',
  }, { startTimeoutMs: 60000 });
  svc.child.stdout!.on('data', (d) => process.stdout.write(d));
  svc.child.stderr!.on('data', (d) => process.stderr.write(d));
  await svc.waitForEvent((e) => e.event === 'faults_worker_started', 60000);
  const redis = new Redis(lab.redis.url, { maxRetriesPerRequest: null });
  const q = new Queue('mirrorlab-faults', { connection: redis });
  const kind = process.argv[2]; const target = process.argv[3] || undefined; const params = JSON.parse(process.argv[4] || '{}');
  const faultId = `smoke/${kind}-${Date.now()}`;
  await q.add('inject', { action: 'inject', scenarioId: 'smoke', faultId, kind, ...(target ? { target } : {}), params });
  const inj = await svc.waitForEvent((e) => (e.event === 'fault_injected' || e.event === 'fault_job_failed') && (e.faultId === faultId || true), 300000);
  console.log('INJECT RESULT', JSON.stringify(inj));
  if (lab.network) console.log(JSON.stringify(listLinkFaults(interDcLink(lab))));
  await q.add('heal', { action: 'heal', scenarioId: 'smoke', faultId, kind, ...(target ? { target } : {}), params });
  const healed = await svc.waitForEvent((e) => ['fault_healed', 'fault_heal_unverified', 'fault_heal_noop', 'fault_job_failed'].includes(String(e.event)) && e !== inj, 300000);
  console.log('HEAL RESULT', JSON.stringify(healed));
  await q.close(); redis.disconnect();
  console.log('exit', await svc.stop('SIGTERM'));
})().catch((e) => { console.error(e); process.exit(1); });
