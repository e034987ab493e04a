import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConnection } from '../http-transport';
import type { KubeStatus } from '../kube-errors';
import type { KubeObject } from '../objects';
import { PODS, STATEFULSETS, apiVersionOf, type ResourceType } from '../resource-types';
import { FakeStore, FilterError, matchesFilter, parseFilter, type FakeResourceType, type Filter, type StoreChange } from './fake-store';
import { HttpFailure, fail, qualified, statusOf, type Route } from './fake-writes';

/** What libs/kube's own unit tests use: pods and a set. */
export const DEFAULT_FAKE_RESOURCES: readonly FakeResourceType[] = [PODS, STATEFULSETS];

/** One request as it reached the server. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  /** Parsed JSON, or the raw text when it is not JSON; undefined without a body. */
  body: unknown;
  authorization: string | undefined;
}

export interface FakeApiServerOptions {
  resources?: readonly FakeResourceType[];
}

interface Watcher {
  type: FakeResourceType;
  namespace: string;
  filter: Filter;
  res: ServerResponse;
}

/**
 * A fake kube-apiserver for libs/kube's own unit tests (kube-client.test.ts, watch-waits.test.ts),
 * for what a real server does not do on request: answer with an injected error (`failNext`),
 * end every watch now (`endWatches`), forget its history (`compact`, then 410 Gone), while the
 * test sets the objects a controller would (`put`, `update`, `remove`) and sees every request.
 * Everything else (create, delete, patch, /scale, RBAC, admission, controllers) is tested against a real
 * API server (tools/kube-lab, the *.k8s.test.ts files). Over real HTTP (node:http), it serves:
 *
 * - objects stored by group/version/resource/namespace/name, with uid, resourceVersion (one
 *   global counter), generation and creationTimestamp;
 * - GET and LIST (label selectors, `metadata.name`/`metadata.namespace` field selectors); any
 *   other method is 405;
 * - WATCH (`?watch=1&resourceVersion=N`): newline-delimited JSON events ADDED / MODIFIED /
 *   DELETED replayed from N then live, selectors applied as the real server does (an object
 *   that stops matching is DELETED for that watch), 410 Gone for a compacted version,
 *   `timeoutSeconds` honoured;
 * - errors as real `Status` objects.
 */
export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  readonly store = new FakeStore();
  private readonly resources: readonly FakeResourceType[];
  private readonly watchers = new Set<Watcher>();
  private readonly requestWaiters: Array<{ match: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }> = [];
  private readonly failures: Array<{ match: (r: RecordedRequest) => boolean; status: KubeStatus; times: number }> = [];
  private server!: http.Server;
  url = '';

  private constructor(private readonly options: FakeApiServerOptions) {
    this.resources = options.resources ?? DEFAULT_FAKE_RESOURCES;
    this.store.onChange((change) => {
      for (const w of this.watchers) this.sendToWatcher(w, change);
    });
  }

  static async start(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
    const fake = new FakeApiServer(options);
    fake.server = http.createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  connection(): KubeConnection {
    return { server: this.url, requestOptions: async () => ({}) };
  }

  resource(type: ResourceType): FakeResourceType {
    const found = this.resources.find((r) => r.group === type.group && r.resource === type.resource);
    if (!found) throw new Error(`the fake API server does not serve ${qualified(type)}`);
    return found;
  }

  /** Stores an object as a controller would (no request recorded): created or replaced, watchers told. */
  put<T extends KubeObject = KubeObject>(type: ResourceType, object: NoInfer<T>): T {
    return this.store.write(this.resource(type), object as KubeObject) as T;
  }

  read<T extends KubeObject>(type: ResourceType, namespace: string, name: string): T | undefined {
    return this.store.get(type, namespace, name) as T | undefined;
  }

  /** Changes a stored object in place, as a controller's status update would. */
  update<T extends KubeObject>(type: ResourceType, namespace: string, name: string, change: (object: T) => void): T {
    const current = this.read<T>(type, namespace, name);
    if (current === undefined) throw new Error(`${qualified(type)} ${namespace}/${name} does not exist`);
    change(current);
    const written = this.put<T>(type, current);
    return this.read<T>(type, namespace, name) ?? written;
  }

  /** Removes an object for good (the kubelet confirming a pod's termination, a finalizer done). */
  remove(type: ResourceType, namespace: string, name: string): void {
    this.store.remove(this.resource(type), namespace, name);
  }

  /** Answers the next `times` requests that match with this error Status instead of serving them. */
  failNext(match: (request: RecordedRequest) => boolean, code: number, reason: string, message: string, times = 1): void {
    this.failures.push({ match, status: statusOf(code, reason, message), times });
  }

  /** Resolves with the first request (already made or to come) that matches. */
  nextRequest(match: (request: RecordedRequest) => boolean, after = 0): Promise<RecordedRequest> {
    const seen = this.requests.slice(after).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.requestWaiters.push({ match, resolve }));
  }

  /** Ends every open watch, as a real server does when a watch times out or restarts. */
  endWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  /** Forgets the history before now: watches from an older version get 410 Gone. */
  compact(): void {
    this.store.compactedBefore = this.store.resourceVersion;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readBody(req);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'],
      body: text === '' ? undefined : parseJson(text),
      authorization: req.headers.authorization,
    };
    this.requests.push(recorded);
    for (const w of [...this.requestWaiters]) {
      if (w.match(recorded)) {
        this.requestWaiters.splice(this.requestWaiters.indexOf(w), 1);
        w.resolve(recorded);
      }
    }
    try {
      const failure = this.failures.find((f) => f.times > 0 && f.match(recorded));
      if (failure) {
        failure.times--;
        throw new HttpFailure(failure.status);
      }
      const route = this.route(url.pathname);
      if (recorded.method === 'GET' && route.name === undefined && isWatch(recorded.query)) return this.watch(route, recorded, res);
      const { status, body } = this.serve(route, recorded, text);
      send(res, status, body);
    } catch (error) {
      if (error instanceof HttpFailure) send(res, error.status.code, error.status);
      else send(res, 500, statusOf(500, 'InternalError', `fake API server: ${(error as Error).message}`));
    }
  }

  private route(pathname: string): Route {
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?$/.exec(pathname);
    const notFound = fail(404, 'NotFound', 'the server could not find the requested resource');
    if (!m) throw notFound;
    const [group, version] = m[1] ? ['', m[1]] : [m[2], m[3]];
    const type = this.resources.find((r) => r.group === group && r.version === version && r.resource === m[5]);
    if (!type) throw notFound;
    const route: Route = { type, namespace: decodeURIComponent(m[4]), name: m[6] && decodeURIComponent(m[6]), subresource: m[7] };
    if (route.subresource !== undefined) throw notFound;
    return route;
  }

  private serve(route: Route, req: RecordedRequest, text: string): { status: number; body: unknown } {
    const { type, namespace, name } = route;
    if (req.method !== 'GET' && text !== '' && typeof req.body !== 'object') {
      throw fail(400, 'BadRequest', `the body of the request is not valid JSON: ${text.slice(0, 80)}`);
    }
    if (name === undefined) {
      if (req.method === 'GET') return { status: 200, body: this.listBody(type, namespace, req) };
      throw fail(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }
    const current = this.store.get(type, namespace, name);
    const missing = () => fail(404, 'NotFound', `${qualified(type)} "${name}" not found`, { name, group: type.group, kind: type.resource });
    if (current === undefined) throw missing();
    switch (req.method) {
      case 'GET':
        return { status: 200, body: current };
      default:
        throw fail(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
  }

  private listBody(type: FakeResourceType, namespace: string, req: RecordedRequest): unknown {
    return {
      apiVersion: apiVersionOf(type),
      kind: `${type.kind}List`,
      metadata: { resourceVersion: String(this.store.resourceVersion) },
      items: this.store.list(type, namespace, this.filterOf(req)),
    };
  }

  private filterOf(req: RecordedRequest): Filter {
    try {
      return parseFilter(req.query.labelSelector, req.query.fieldSelector);
    } catch (error) {
      if (error instanceof FilterError) throw fail(400, 'BadRequest', error.message);
      throw error;
    }
  }

  private watch(route: Route, req: RecordedRequest, res: ServerResponse): void {
    const filter = this.filterOf(req);
    const from = req.query.resourceVersion;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const watcher: Watcher = { type: route.type, namespace: route.namespace, filter, res };
    if (from === undefined || from === '' || from === '0') {
      for (const o of this.store.list(route.type, route.namespace, filter)) writeEvent(res, 'ADDED', o);
    } else if (Number(from) < this.store.compactedBefore) {
      writeEvent(res, 'ERROR', statusOf(410, 'Expired', `too old resource version: ${from} (${this.store.compactedBefore})`));
      res.end();
      return;
    } else {
      for (const change of this.store.changesAfter(route.type, route.namespace, Number(from))) this.sendToWatcher(watcher, change);
    }
    this.watchers.add(watcher);
    const timeout =
      req.query.timeoutSeconds !== undefined ? setTimeout(() => res.end(), Number(req.query.timeoutSeconds) * 1000) : undefined;
    timeout?.unref();
    res.on('close', () => {
      clearTimeout(timeout);
      this.watchers.delete(watcher);
    });
  }

  private sendToWatcher(w: Watcher, change: StoreChange): void {
    if (
      change.resource.group !== w.type.group ||
      change.resource.resource !== w.type.resource ||
      change.object.metadata.namespace !== w.namespace
    )
      return;
    const now = change.type !== 'DELETED' && matchesFilter(w.filter, change.object);
    const before = change.previous !== undefined && matchesFilter(w.filter, change.previous);
    if (change.type === 'DELETED') {
      if (before) writeEvent(w.res, 'DELETED', change.object);
    } else if (now && before) writeEvent(w.res, 'MODIFIED', change.object);
    else if (now) writeEvent(w.res, 'ADDED', change.object);
    else if (before) writeEvent(w.res, 'DELETED', change.object);
  }
}

function isWatch(query: Record<string, string>): boolean {
  return query.watch === '1' || query.watch === 'true';
}

function writeEvent(res: ServerResponse, type: string, object: unknown): void {
  if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
