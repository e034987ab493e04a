import { runService } from '@mirrorlab/service-kit';

void runService({
  name: 'provisioner',
  defaultPort: 8084,
  env: {},
  start: () => undefined,
});
