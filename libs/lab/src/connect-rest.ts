/**
 * The Kafka Connect REST API of the lab's Connect workers (replicator mode `connect`): is a
 * worker serving, configure MirrorMaker 2's connectors (idempotently: a connector whose config
 * is already the wanted one is left alone, so it does not restart), and their live status.
 */
import { LabError } from './errors';

export interface ConnectorStatus {
  name: string;
  state: string;
  workerId: string;
  tasks: Array<{ id: number; state: string; workerId: string }>;
}

const TIMEOUT_MS = 10_000;

async function request(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // Connect answers some errors (a 404 from Jetty) in HTML: keep the text.
  }
  return { status: response.status, body };
}

function messageOf(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'message' in body) return String((body as { message: unknown }).message);
  return String(body).slice(0, 200);
}

/** The worker answers `GET /` with its version: its REST server is up (the herder may still be joining). */
export async function connectWorkerVersion(baseUrl: string): Promise<string> {
  const { status, body } = await request(`${baseUrl}/`);
  if (status !== 200) throw new Error(`GET ${baseUrl}/ answered ${status}: ${messageOf(body)}`);
  return String((body as { version?: unknown }).version ?? 'unknown');
}

function sameConfig(current: Record<string, string>, wanted: Record<string, string>): boolean {
  const keys = Object.keys(wanted);
  // Connect adds `name` to what it stores; every other key must be the same on both sides.
  const extra = Object.keys(current).filter((k) => k !== 'name' && !(k in wanted));
  return extra.length === 0 && keys.every((k) => current[k] === wanted[k]);
}

/**
 * PUTs each connector's config unless it already has exactly that config. Returns the names it
 * (re)configured. Throws `connect_rest_failed` (retriable by the caller) while the cluster is not
 * ready for it (409: a rebalance is in progress; 5xx; no answer).
 */
export async function putConnectorConfigs(baseUrl: string, configs: Record<string, Record<string, string>>): Promise<string[]> {
  const changed: string[] = [];
  for (const [name, config] of Object.entries(configs)) {
    const url = `${baseUrl}/connectors/${encodeURIComponent(name)}/config`;
    const current = await request(url);
    if (current.status === 200 && sameConfig(current.body as Record<string, string>, config)) continue;
    if (current.status !== 200 && current.status !== 404)
      throw new LabError('connect_rest_failed', `GET ${url} answered ${current.status}: ${messageOf(current.body)}`, { retriable: true });
    const put = await request(url, { method: 'PUT', body: JSON.stringify(config) });
    if (put.status !== 200 && put.status !== 201)
      throw new LabError('connect_rest_failed', `PUT ${url} answered ${put.status}: ${messageOf(put.body)}`, { retriable: true });
    changed.push(name);
  }
  return changed;
}

/** `GET /connectors?expand=status`: each connector's and task's state and worker, as the herder knows them. */
export async function connectorStatuses(baseUrl: string): Promise<ConnectorStatus[]> {
  const { status, body } = await request(`${baseUrl}/connectors?expand=status`);
  if (status !== 200)
    throw new LabError('connect_rest_failed', `GET ${baseUrl}/connectors answered ${status}: ${messageOf(body)}`, { retriable: true });
  type Raw = {
    status: {
      name: string;
      connector: { state: string; worker_id: string };
      tasks: Array<{ id: number; state: string; worker_id: string }>;
    };
  };
  return Object.values(body as Record<string, Raw>)
    .map(({ status: s }) => ({
      name: s.name,
      state: s.connector.state,
      workerId: s.connector.worker_id,
      tasks: s.tasks.map((t) => ({ id: t.id, state: t.state, workerId: t.worker_id })),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
