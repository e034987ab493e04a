/**
 * Toxiproxy (github.com/Shopify/toxiproxy/v2, built from the Go module proxy by
 * tools/setup.sh into the cache): the binary, its config file, and a small client of its
 * HTTP API. The kernel here has no netem, so latency on the inter-DC path is added in
 * user space by Toxiproxy's `latency` toxic on the proxies in front of the source brokers.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from './errors';
import { cacheRoot } from './kafka-dist';
import type { InterDcProxy, LabState } from './state';

export const TOXIPROXY_VERSION = 'v2.5.0';

/** `<cache>/toxiproxy-v2.5.0/toxiproxy-server`, where tools/setup.sh installs it. */
export function toxiproxyBinary(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), `toxiproxy-${TOXIPROXY_VERSION}`, 'toxiproxy-server');
}

/** The binary, or `prerequisite_missing` saying how to install it. */
export function ensureToxiproxy(env: NodeJS.ProcessEnv = process.env): string {
  const binary = toxiproxyBinary(env);
  if (!existsSync(binary)) {
    throw new LabError(
      'prerequisite_missing',
      `Toxiproxy ${TOXIPROXY_VERSION} is not installed at ${binary}; run tools/setup.sh (it builds it from the Go module proxy, ~15 s)`,
    );
  }
  return binary;
}

/** Toxiproxy's `-config` file: the proxies it creates at start. */
export function renderToxiproxyConfig(proxy: InterDcProxy): string {
  return `${JSON.stringify(
    proxy.proxies.map((p) => ({ name: p.name, listen: p.listen, upstream: p.upstream, enabled: true })),
    null,
    2,
  )}\n`;
}

/** Toxiproxy's own names: `downstream` is data from the broker to the client, `upstream` the other way. */
export type ToxicStream = 'upstream' | 'downstream';

export interface LatencyToxic {
  name: string;
  type: 'latency';
  stream: ToxicStream;
  toxicity: number;
  attributes: { latency: number; jitter: number };
}

export interface ToxiproxyProxyInfo {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: Array<{ name: string; type: string; stream: ToxicStream; toxicity: number; attributes: Record<string, number> }>;
}

/** The lab's proxy config; `faults_unavailable` for a lab created before the proxy existed. */
export function interDcProxy(state: LabState): InterDcProxy {
  if (state.interDcProxy === undefined) {
    throw new LabError(
      'faults_unavailable',
      `lab ${state.id} has no inter-DC proxy (created by an older mirrorlab); run "mirrorlab lab down --purge --dir ${state.dir}" and up again`,
    );
  }
  return state.interDcProxy;
}

/** A thin client of Toxiproxy's HTTP API; every failure is a `LabError` naming the call. */
export class ToxiproxyClient {
  constructor(
    private readonly apiUrl: string,
    private readonly timeoutMs = 5_000,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.apiUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new LabError(
        'fault_command_failed',
        `Toxiproxy ${method} ${this.apiUrl}${path}: ${(cause as Error).message} (is the lab's toxiproxy process running? mirrorlab lab status)`,
        { cause },
      );
    }
    const text = await response.text();
    if (!response.ok) throw new LabError('fault_command_failed', `Toxiproxy ${method} ${path} answered ${response.status}: ${text.trim()}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async proxies(): Promise<Record<string, ToxiproxyProxyInfo>> {
    return this.call('GET', '/proxies');
  }

  async toxics(proxy: string): Promise<ToxiproxyProxyInfo['toxics']> {
    return this.call('GET', `/proxies/${encodeURIComponent(proxy)}/toxics`);
  }

  async addToxic(proxy: string, toxic: LatencyToxic): Promise<void> {
    await this.call('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, toxic);
  }

  /** Removes a toxic; false when it was not there. */
  async removeToxic(proxy: string, name: string): Promise<boolean> {
    try {
      await this.call('DELETE', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(name)}`);
      return true;
    } catch (error) {
      if (error instanceof LabError && / answered 404/.test(error.message)) return false;
      throw error;
    }
  }
}

/** Ready when the API answers and lists every proxy of the lab, enabled. */
export async function toxiproxyReadiness(proxy: InterDcProxy): Promise<{ ready: true } | { progress: string }> {
  try {
    const listed = await new ToxiproxyClient(proxy.apiUrl, 2_000).proxies();
    const missing = proxy.proxies.filter((p) => listed[p.name]?.enabled !== true).map((p) => p.name);
    return missing.length === 0 ? { ready: true } : { progress: `toxiproxy (proxies not up: ${missing.join(', ')})` };
  } catch {
    return { progress: `toxiproxy API at ${proxy.apiUrl}` };
  }
}
