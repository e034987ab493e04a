import { runService } from '@mirrorlab/service-kit';

void runService({
  name: 'consumer-validator',
  defaultPort: 8082,
  env: {},
  start: () => undefined,
});
