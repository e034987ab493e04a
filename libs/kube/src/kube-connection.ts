import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError, type ConfigProblem } from '@mirrorlab/service-kit';
import type { KubeConnection } from './http-transport';
import { loadKubeConfig, type KubeConfigSource, type LoadedKubeConfig } from './kubeconfig-adapter';

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface KubeConnectionOptions {
  env?: Record<string, string | undefined>;
  /** Where ~/.kube/config is looked for. */
  home?: string;
  /** Prefix of the service account directory (tests). */
  inClusterRoot?: string;
  /** Loads the kubeconfig; by default @kubernetes/client-node's KubeConfig (see kubeconfig-adapter.ts). */
  load?: (source: KubeConfigSource) => Promise<LoadedKubeConfig>;
}

export interface LoadedKubeConnection extends KubeConnection {
  /** Where the settings came from, for the start log: `kubeconfig /path (context x)` or `in-cluster service account`. */
  source: string;
}

function problem(expected: string, got: string): ConfigError {
  const p: ConfigProblem = { variable: 'KUBECONFIG', expected, got };
  return new ConfigError([p]);
}

/**
 * How to reach the Kubernetes API, found as kubectl and client libraries find it:
 * `KUBECONFIG` (files separated by ":"), else the pod's service account
 * (`KUBERNETES_SERVICE_HOST` and its token), else `~/.kube/config`. Anything missing or
 * unreadable is a `ConfigError` naming KUBECONFIG; nothing falls back to localhost.
 */
export async function loadKubeConnection(options: KubeConnectionOptions = {}): Promise<LoadedKubeConnection> {
  const env = options.env ?? process.env;
  const load = options.load ?? loadKubeConfig;
  const root = options.inClusterRoot ?? '';
  let source: KubeConfigSource;
  let described: string;
  const raw = env.KUBECONFIG;
  if (raw !== undefined && raw.trim() !== '') {
    const paths = raw
      .split(path.delimiter)
      .map((p) => p.trim())
      .filter(Boolean);
    const missing = paths.filter((p) => !existsSync(p));
    if (missing.length > 0) {
      throw problem(
        'a kubeconfig file that exists (several: separated by ":")',
        `${JSON.stringify(raw)} (${missing.map((m) => `${m}: no such file`).join('; ')})`,
      );
    }
    source = { kind: 'files', paths };
    described = `kubeconfig ${paths.join(path.delimiter)}`;
  } else if (env.KUBERNETES_SERVICE_HOST && existsSync(`${root}${SERVICE_ACCOUNT}/token`)) {
    source = { kind: 'in-cluster', root };
    described = 'in-cluster service account';
  } else {
    const home = options.home ?? homedir();
    const file = path.join(home, '.kube', 'config');
    if (!existsSync(file)) {
      throw problem(
        `a kubeconfig file, or to run in a pod with a service account token (KUBERNETES_SERVICE_HOST set, ${SERVICE_ACCOUNT}/token mounted)`,
        `nothing (the variable is not set, ${file} does not exist, and this is not a pod)`,
      );
    }
    source = { kind: 'files', paths: [file] };
    described = `kubeconfig ${file}`;
  }
  let loaded: LoadedKubeConfig;
  try {
    loaded = await load(source);
  } catch (error) {
    throw problem(
      'a readable kubeconfig with a current context and its cluster',
      `${described}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return {
    server: loaded.server,
    namespace: loaded.namespace,
    requestOptions: () => loaded.requestOptions(),
    source: source.kind === 'files' ? `${described} (context ${loaded.context})` : described,
  };
}

/**
 * A configuration problem found after the environment was parsed (a kubeconfig) stops the
 * service the way a bad variable does in `runService`: the message on stderr, exit code 2,
 * no stack trace. Other errors pass through.
 */
export async function orExitOnConfigError<T>(service: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
