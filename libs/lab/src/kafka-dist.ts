/**
 * The Kafka jars: fetched once from Maven Central by the pinned `kafka/pom.xml` with
 * `mvn dependency:copy-dependencies` into a cache directory, then reused. A marker file
 * holding the pom's hash makes the fetch idempotent (and redone if the pom changes).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { LabError } from './errors';
import { ensureProgram } from './prerequisites';
import { findRepoRoot } from './state';

/**
 * Kafka version the lab runs. Keep equal to `kafka.version` in kafka/pom.xml.
 * Not 4.4.0: Maven Central has kafka_2.13:4.4.0 but not the kafka-tools-api, kafka-tools,
 * connect-runtime and connect-mirror 4.4.0 artifacts it needs, so a 4.4.0 lab cannot be
 * assembled from Central; 4.3.1 is the newest release with every artifact published.
 */
export const KAFKA_VERSION = '4.3.1';

/** libs/lab/kafka/pom.xml, found beside the sources or, from a bundle, through the repo root. */
export const KAFKA_POM = ((): string => {
  const beside = resolve(__dirname, '..', 'kafka', 'pom.xml');
  if (existsSync(beside)) return beside;
  const root = findRepoRoot();
  return root === null ? beside : join(root, 'libs', 'lab', 'kafka', 'pom.xml');
})();

const MARKER = '.fetched';

/** `$MIRRORLAB_CACHE_DIR`, else `${XDG_CACHE_HOME:-~/.cache}/mirrorlab`. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.MIRRORLAB_CACHE_DIR;
  if (explicit !== undefined && explicit.trim() !== '') return resolve(explicit);
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg !== undefined && xdg.trim() !== '' ? xdg : join(homedir(), '.cache');
  return join(resolve(base), 'mirrorlab');
}

export interface KafkaDist {
  version: string;
  /** Directory holding every jar; the classpath is `<libsDir>/*`. */
  libsDir: string;
  /** True when this call downloaded the jars, false when the cache was already complete. */
  fetched: boolean;
}

export function kafkaDistDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), `kafka-${KAFKA_VERSION}`);
}

function pomHash(pom: string): string {
  return createHash('sha256').update(readFileSync(pom)).digest('hex');
}

/** The jars if the cache is complete for the current pom, else null. No I/O beyond reads. */
export function cachedKafkaDist(env: NodeJS.ProcessEnv = process.env, pom = KAFKA_POM): KafkaDist | null {
  const dir = kafkaDistDir(env);
  const marker = join(dir, MARKER);
  if (!existsSync(marker)) return null;
  if (readFileSync(marker, 'utf8').trim() !== pomHash(pom)) return null;
  return { version: KAFKA_VERSION, libsDir: join(dir, 'libs'), fetched: false };
}

function runMaven(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('mvn', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, output }));
  });
}

/**
 * Makes sure the Kafka jars are in the cache and returns where. Downloads (through the
 * machine's Maven, from Maven Central) only when the marker is missing or stale.
 */
export async function ensureKafkaDist(
  opts: { env?: NodeJS.ProcessEnv; pom?: string; log?: (line: string) => void } = {},
): Promise<KafkaDist> {
  const env = opts.env ?? process.env;
  const pom = opts.pom ?? KAFKA_POM;
  const cached = cachedKafkaDist(env, pom);
  if (cached !== null) return cached;

  await ensureProgram('mvn', 'maven', opts.log);
  const dir = kafkaDistDir(env);
  mkdirSync(dir, { recursive: true });
  const staging = join(dir, `libs.${process.pid}.tmp`);
  rmSync(staging, { recursive: true, force: true });
  opts.log?.(`fetching Kafka ${KAFKA_VERSION} jars with Maven into ${dir} (first use only)…`);
  const { code, output } = await runMaven(
    ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'],
    dir,
  );
  if (code !== 0 || !existsSync(staging) || readdirSync(staging).length === 0) {
    rmSync(staging, { recursive: true, force: true });
    const tail = output.trim().split('\n').slice(-15).join('\n');
    throw new LabError(
      'fetch_failed',
      `mvn could not fetch the Kafka jars (exit ${code}); check Maven Central access. Maven said:\n${tail}`,
      {
        retriable: true,
      },
    );
  }
  const libsDir = join(dir, 'libs');
  rmSync(libsDir, { recursive: true, force: true });
  renameSync(staging, libsDir);
  writeFileSync(join(dir, MARKER), `${pomHash(pom)}\n`);
  return { version: KAFKA_VERSION, libsDir, fetched: true };
}
