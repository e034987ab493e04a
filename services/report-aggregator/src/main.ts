import { createKafka, kafkaConnectionFrom, runService } from '@mirrorlab/service-kit';
import { ControlTopic } from '@mirrorlab/control';
import { AggregatorMetrics } from './aggregator-metrics';
import { aggregatorEnv } from './config';
import { ReportAggregator } from './report-aggregator';
import { ReportStore } from './report-store';
import { registerCompareRoute } from './compare-route';
import { registerRoutes } from './routes';
import { ScenarioBook } from './scenario-book';

void runService({
  name: 'report-aggregator',
  defaultPort: 8085,
  env: aggregatorEnv,
  async start({ config, instance, logger, registry, http, shutdown }) {
    const control = new ControlTopic({
      kafka: createKafka(kafkaConnectionFrom(config, 'CONTROL_KAFKA'), `mirrorlab-report-aggregator-${instance}`, logger),
      topic: config.CONTROL_TOPIC,
      logger,
      registry,
    });
    const aggregator = new ReportAggregator({
      book: new ScenarioBook(config.REPORT_WAIT),
      store: new ReportStore(config.REPORTS_DIR),
      publish: (e) => control.publish(e),
      nowMs: () => Date.now(),
      instance,
      logger,
      metrics: new AggregatorMetrics(registry),
    });
    registerRoutes(http.api, aggregator);
    registerCompareRoute(http.api, aggregator);
    http.readiness.push({ name: 'control_topic_caught_up', check: () => aggregator.ready });
    const timer = setInterval(() => void aggregator.tick().catch((err: unknown) => logger.error('tick_failed', { err })), 1000);
    shutdown.register('tick', () => clearInterval(timer));
    shutdown.register('control-topic', () => control.close());

    // A fresh group every start: the aggregator is event-sourced and must read the topic from its beginning.
    await control.follow((event, position) => aggregator.onEvent(event, position.appendTimeMs), {
      groupId: `mirrorlab-report-aggregator-${instance}`,
      onCaughtUp: () => aggregator.onCaughtUp(),
    });
  },
});
