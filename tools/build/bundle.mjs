// Bundles a service into one self-contained file: `node dist/main.js` runs it,
// with no node_modules beside it. This is the artefact a container image copies.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const projectRoot = process.argv[2];
if (!projectRoot) {
  console.error('usage: node tools/build/bundle.mjs <projectRoot>');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));

await build({
  entryPoints: [path.join(projectRoot, 'src/main.ts')],
  outfile: path.join(projectRoot, 'dist/main.js'),
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  sourcemap: 'linked',
  legalComments: 'linked',
  // Optional native accelerators (their packages fall back to pure JS when absent), and the
  // librdkafka binding: a native addon that loads its .node and librdkafka.so from its package
  // directory, so it is resolved from node_modules at run time (the Dockerfile copies it); the
  // producer's batch producer addon likewise.
  external: ['msgpackr-extract', '@confluentinc/kafka-javascript', '@mirrorlab/rdkafka-batch/addon'],
  define: { 'process.env.MIRRORLAB_VERSION': JSON.stringify(pkg.version ?? '0.0.0') },
  logLevel: 'warning',
});
