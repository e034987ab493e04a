import path from 'node:path';
import { build } from 'esbuild';
import { findRepoRoot } from '@mirrorlab/lab';

const repoRoot = () => findRepoRoot(__dirname) ?? process.cwd();

/** The one list of modules bundles leave external (tools/build/externals.cjs). */
function nativeExternals(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(repoRoot(), 'tools', 'build', 'externals.cjs')) as string[];
}

/**
 * Bundles a service's test-only entry (`services/<service>/src/testing/<entry>.ts`) as
 * tools/build/bundle.mjs bundles `main.ts`, into `dist/testing/` (never copied into an
 * image), and returns the file to run. About a second; built by the test that needs it.
 */
export async function testEntryBundle(service: string, entry: string): Promise<string> {
  const root = path.join(repoRoot(), 'services', service);
  const outfile = path.join(root, 'dist', 'testing', `${entry}.js`);
  await build({
    entryPoints: [path.join(root, 'src', 'testing', `${entry}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    sourcemap: 'linked',
    // As in tools/build/bundle.mjs: native modules are resolved from node_modules at run time.
    external: nativeExternals(),
    logLevel: 'warning',
  });
  return outfile;
}
