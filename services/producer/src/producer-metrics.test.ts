import { Registry } from 'prom-client';
import { ProducerMetrics } from './producer-metrics';

test("a run's send counters and latency histogram exist at zero from its start, every result included", async () => {
  const registry = new Registry();
  const m = new ProducerMetrics(registry);
  m.runStarted('sc-1', 'sc-1-p0', ['t1', 't2']);
  const results = (await registry.getSingleMetric('mirrorlab_producer_records_total')!.get()).values;
  expect(results.map((v) => `${v.labels.topic}/${v.labels.result}=${v.value}`).sort()).toEqual([
    't1/acked=0',
    't1/failed=0',
    't1/indeterminate=0',
    't2/acked=0',
    't2/failed=0',
    't2/indeterminate=0',
  ]);
  const text = await registry.metrics();
  expect(text).toContain('mirrorlab_producer_records_sent_total{scenario="sc-1",producer="sc-1-p0",topic="t2"} 0');
  expect(text).toContain('mirrorlab_producer_bytes_sent_total{scenario="sc-1",producer="sc-1-p0",topic="t1"} 0');
  expect(text).toContain('mirrorlab_producer_send_latency_seconds_count{scenario="sc-1",producer="sc-1-p0"} 0');
  m.sent('sc-1', 'sc-1-p0', 't1', 3, 300);
  expect(await registry.metrics()).toContain('mirrorlab_producer_records_sent_total{scenario="sc-1",producer="sc-1-p0",topic="t1"} 3');
});
