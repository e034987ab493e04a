import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { ControlTopic } from './control-topic';
import { createLogger } from '@mirrorlab/service-kit';

test('invalid control records are counted from zero for every reason, before the first one arrives', async () => {
  const registry = new Registry();
  const logger = createLogger({ service: 'svc', instance: 'i-1', level: 'error', write: () => undefined, now: () => new Date(0) });
  new ControlTopic({ kafka: {} as Kafka, topic: 'ctl', logger, registry });
  const values = (await registry.getSingleMetric('mirrorlab_control_events_invalid_total')!.get()).values;
  expect(values.map((v) => `${v.labels.reason}=${v.value}`).sort()).toEqual([
    'invalid=0',
    'not_json=0',
    'unknown_type=0',
    'unsupported_version=0',
  ]);
});
