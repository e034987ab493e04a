import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https, { type RequestOptions } from 'node:https';
import { KubeError } from './kube-errors';

/** Where the API server is and how to authenticate: what a kubeconfig or the in-cluster service account gives. */
export interface KubeConnection {
  /** `https://10.96.0.1:443`, or a URL with a path prefix (an API proxy). */
  server: string;
  /**
   * Options for each request: TLS settings, an agent, and headers (Authorization). Asked
   * per request, because tokens rotate (service account tokens, exec plugins).
   */
  requestOptions(): Promise<RequestOptions>;
  /** The namespace of the kubeconfig's current context or of the service account, if it names one. */
  namespace?: string;
}

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  contentType?: string;
  body?: unknown;
  signal?: AbortSignal;
}

export interface KubeResponse {
  status: number;
  /** The body as it arrives (a watch is a stream of JSON lines). */
  body: AsyncIterable<Buffer>;
}

/** One HTTP exchange with the API server. Tests use `httpTransport` against the fake API server. */
export interface KubeTransport {
  send(request: KubeRequest): Promise<KubeResponse>;
}

export function requestUrl(server: string, path: string, query: Record<string, string | undefined> = {}): URL {
  const url = new URL(server);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  return url;
}

/** HTTP(S) to the server a `KubeConnection` names, with its TLS and auth settings. */
export function httpTransport(connection: KubeConnection): KubeTransport {
  return {
    async send(req) {
      const url = requestUrl(connection.server, req.path, req.query);
      const base = await connection.requestOptions();
      const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
      const headers: OutgoingHttpHeaders = {
        ...(base.headers as OutgoingHttpHeaders | undefined),
        Accept: 'application/json',
        ...(payload !== undefined ? { 'Content-Type': req.contentType ?? 'application/json', 'Content-Length': payload.length } : {}),
      };
      const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
      if (client === undefined)
        throw new KubeError('unreachable', `${req.method} ${url.pathname}: the server URL ${connection.server} is neither http nor https`, {
          retriable: false,
        });
      return new Promise<KubeResponse>((resolve, reject) => {
        const request = client.request(url, { ...base, method: req.method, headers, signal: req.signal }, (res: IncomingMessage) => {
          resolve({ status: res.statusCode ?? 0, body: res });
        });
        request.on('error', (error) => {
          if (req.signal?.aborted) reject(req.signal.reason);
          else
            reject(
              new KubeError('unreachable', `${req.method} ${url.pathname}: no answer from ${url.host} (${error.message})`, {
                cause: error,
              }),
            );
        });
        request.end(payload);
      });
    },
  };
}
