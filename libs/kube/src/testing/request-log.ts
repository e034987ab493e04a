import type { KubeRequest, KubeTransport } from '../http-transport';

/** One request as the code under test sent it (the signal left out). */
export interface SentRequest {
  method: KubeRequest['method'];
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: unknown;
  /** The status the server answered with, once it has (a 409 is a compare-and-set the code lost and redoes). */
  status?: number;
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
        const sent: SentRequest = {
          method: request.method,
          path: request.path,
          query,
          contentType: request.body === undefined ? undefined : (request.contentType ?? 'application/json'),
          body: request.body,
        };
        this.requests.push(sent);
        return transport.send(request).then((response) => {
          sent.status = response.status;
          return response;
        });
      },
    };
  }

  clear(): void {
    this.requests.length = 0;
  }

  /**
   * The requests the server refused with 409 Conflict: compare-and-sets a controller's own update
   * got in before (on a real API server that is timing, not a fault of the code under test).
   */
  conflicts(): SentRequest[] {
    return this.requests.filter((r) => r.status === 409);
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
