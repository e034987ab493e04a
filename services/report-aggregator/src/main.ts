import { runService } from '@mirrorlab/service-kit';

void runService({
  name: 'report-aggregator',
  defaultPort: 8085,
  env: {},
  start: () => undefined,
});
