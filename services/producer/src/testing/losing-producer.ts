/**
 * Test only: the producer service with a sink that loses chosen records after acknowledging
 * them (losing-sink.ts), for integration tests that need a real loss to find. Not part of the
 * shipped bundle (that is src/main.ts); tests bundle this entry themselves
 * (tests/e2e/src/support/test-bundle.ts). `LOSE_RECORD_INDEXES`: comma-separated indexes of
 * each topic's records to lose, e.g. `5` or `5,17`.
 */
import { runService } from '@mirrorlab/service-kit';
import { producerService } from '../producer-service';
import { losingSink } from './losing-sink';

function indexesFrom(text: string | undefined): Set<number> {
  const parts = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = parts.filter((s) => !/^\d+$/.test(s));
  if (bad.length > 0) {
    process.stderr.write(`LOSE_RECORD_INDEXES: expected comma-separated record indexes like 5,17, got ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return new Set(parts.map(Number));
}

const indexes = indexesFrom(process.env.LOSE_RECORD_INDEXES);
void runService(producerService({ wrapSink: (sink) => losingSink(sink, indexes) }));
