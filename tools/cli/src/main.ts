/** Entry point of `mirrorlab` (loaded by bin/mirrorlab.js through tsx). Only wiring here. */
import { processContext } from './context';
import { runCli } from './run';

// `mirrorlab ... | head`: a closed stdout is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

void runCli(process.argv.slice(2), processContext()).then((code) => {
  process.exitCode = code;
  // Everything is closed by now; this only guards against a client library leaving a handle open.
  setTimeout(() => process.exit(code), 3000).unref();
});
