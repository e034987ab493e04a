import { runService } from '@mirrorlab/service-kit';

void runService({
  name: 'fault-runner',
  defaultPort: 8083,
  env: {},
  start: () => undefined,
});
