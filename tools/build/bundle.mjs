// Bundles a service into one self-contained file: `node dist/main.js` runs it,
// with no node_modules beside it. This is the artefact a container image copies.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nativeExternals from './externals.cjs';

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
  external: nativeExternals,
  define: { 'process.env.MIRRORLAB_VERSION': JSON.stringify(pkg.version ?? '0.0.0') },
  logLevel: 'warning',
});
