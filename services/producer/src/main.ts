import { runService } from '@mirrorlab/service-kit';

void runService({
  name: 'producer',
  defaultPort: 8081,
  env: {},
  start: () => undefined,
});
