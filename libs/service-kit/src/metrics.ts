import { collectDefaultMetrics, Registry } from 'prom-client';

/** A registry per service, with Node's default metrics and the service/instance labels on every series. */
export function createMetricsRegistry(labels: { service: string; instance: string }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  return registry;
}
