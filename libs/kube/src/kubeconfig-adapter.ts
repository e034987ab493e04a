/**
 * The one place that loads @kubernetes/client-node: its `KubeConfig` reads kubeconfig files
 * or the in-cluster service account and gives the server URL, TLS settings and credentials
 * (tokens, client certificates, exec and OIDC plugins, token files that rotate). Requests
 * themselves go through `httpTransport`.
 *
 * The package is ESM-only, so it is loaded with a dynamic `import()`: esbuild bundles it
 * into the services, and jest (CommonJS) never loads this module's import (tests give
 * `loadKubeConnection` a loader of their own, or run this file in a Node child process).
 * This file has no relative imports and only erasable TypeScript, so Node runs it as is.
 *
 * It imports `dist/config.js`, not the package index: a dynamic import keeps every export
 * of the module it names, and the index re-exports the whole generated API (an 18 MB bundle
 * instead of under 3 MB).
 */
import type { RequestOptions } from 'node:https';

export type KubeConfigSource =
  | { kind: 'files'; paths: string[] }
  /** `root` prefixes /var/run/secrets/kubernetes.io/serviceaccount (tests). */
  | { kind: 'in-cluster'; root?: string };

export interface LoadedKubeConfig {
  server: string;
  namespace?: string;
  context: string;
  requestOptions(): Promise<RequestOptions>;
}

export async function loadKubeConfig(source: KubeConfigSource): Promise<LoadedKubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
  const config = new KubeConfig();
  if (source.kind === 'in-cluster') {
    config.loadFromCluster(source.root ?? '');
  } else {
    config.loadFromFile(source.paths[0]);
    for (const file of source.paths.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      config.mergeConfig(more, true);
    }
  }
  const context = config.getCurrentContext();
  const cluster = config.getCurrentCluster();
  if (!context || cluster === null) throw new Error(context ? `context ${context} names no cluster` : 'no current-context');
  if (!cluster.server) throw new Error(`cluster ${cluster.name} has no server`);
  return {
    server: cluster.server,
    namespace: config.getContextObject(context)?.namespace,
    context,
    async requestOptions() {
      const options: RequestOptions = {};
      await config.applyToHTTPSOptions(options);
      return options;
    },
  };
}
