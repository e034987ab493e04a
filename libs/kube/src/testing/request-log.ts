import type { KubeRequest, KubeTransport } from '../http-transport';

/** One request as the code under test sent it (the signal left out). */
export interface SentRequest {
  method: KubeRequest['method'];
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: unknown;
}

/**
 * The requests a client sends, kept in order, so a test against the real API server can also
 * say how the code got there (a JSON patch that tests before it replaces, a DELETE with a uid
 * precondition, a list and then a watch rather than polling), not only the end state.
 */
export class RequestLog {
  readonly requests: SentRequest[] = [];

  /** `transport`, with every request it sends kept here first. */
  wrap(transport: KubeTransport): KubeTransport {
    return {
      send: (request) => {
        const query: Record<string, string> = {};
        for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) query[k] = v;
        this.requests.push({
          method: request.method,
          path: request.path,
          query,
          contentType: request.body === undefined ? undefined : (request.contentType ?? 'application/json'),
          body: request.body,
        });
        return transport.send(request);
      },
    };
  }

  clear(): void {
    this.requests.length = 0;
  }

  /** The writes as `METHOD path`, in order: what changed the cluster. */
  writes(): string[] {
    return this.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
  }

  /** The PATCH requests: path, content type and body. */
  patches(): Array<Pick<SentRequest, 'path' | 'contentType' | 'body'>> {
    return this.requests.filter((r) => r.method === 'PATCH').map(({ path, contentType, body }) => ({ path, contentType, body }));
  }
}
