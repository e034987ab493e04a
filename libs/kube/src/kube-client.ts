import { StringDecoder } from 'node:string_decoder';
import type { KubeRequest, KubeTransport } from './http-transport';
import { KubeError, errorFromResponse } from './kube-errors';
import type { KubeList, KubeObject, Scale, WatchEvent } from './objects';
import { apiVersionOf, collectionPath, objectPath, resourceName, type ResourceType } from './resource-types';

/** One RFC 6902 operation. Paths escape `/` in keys as `~1` (see `jsonPointer`). */
export type JsonPatchOp =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** A patch and the content type that says how the server applies it. */
export type Patch =
  /** RFC 7386: objects merge, `null` removes a key, arrays are replaced. */
  | { type: 'merge'; body: Record<string, unknown> }
  /** RFC 6902: a list of operations, applied all or nothing (a failed `test` refuses the patch). */
  | { type: 'json'; ops: JsonPatchOp[] }
  /** Kubernetes' strategic merge: built-in kinds only (CRDs answer 415). */
  | { type: 'strategic'; body: Record<string, unknown> };

export const PATCH_CONTENT_TYPES = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;

/**
 * Writes ask for strict field validation: a field the server's schema does not know (a typo, a
 * field of another version of a CRD) is refused with its path, instead of being dropped with
 * no more than a warning header (the server's default).
 */
const STRICT = { fieldValidation: 'Strict' };

/** `/metadata/annotations/mirrorlab.io~1fault`: a JSON pointer from path segments. */
export function jsonPointer(...segments: string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export interface Selection {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  /** Delete only this incarnation of the object (409 if the name now holds another). */
  uid?: string;
}

export interface WatchOptions extends Selection {
  /** Events after this version; a list's `metadata.resourceVersion`. */
  resourceVersion: string;
  /** The server ends the watch after this long (a new watch resumes from the last version seen). */
  timeoutSeconds?: number;
}

export interface KubeClientOptions {
  /** Bound on each call that is not a watch. */
  requestTimeoutMs?: number;
}

async function readAll(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The non-empty lines of a stream as they arrive. Leaving the loop early ends the stream (and the HTTP exchange). */
async function* jsonLines(body: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of body) {
    pending += decoder.write(chunk);
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== '') yield line;
    }
  }
  const rest = (pending + decoder.end()).trim();
  if (rest !== '') yield rest;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A small typed client for the calls mirrorlab makes: get, list, create, delete, patch
 * (merge and JSON patch), the scale subresource, and watches. It speaks plain HTTP to the
 * API server through a `KubeTransport`; every error is a `KubeError` with the server's
 * Status message.
 */
export class KubeClient {
  private readonly requestTimeoutMs: number;

  constructor(
    private readonly transport: KubeTransport,
    options: KubeClientOptions = {},
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  private async call<T>(what: string, req: KubeRequest): Promise<T> {
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    let text: string;
    let status: number;
    try {
      const res = await this.transport.send({ ...req, signal });
      status = res.status;
      text = await readAll(res.body);
    } catch (error) {
      if (req.signal?.aborted) throw req.signal.reason;
      if (timeout.aborted)
        throw new KubeError('unreachable', `${what}: no answer within ${Math.round(this.requestTimeoutMs / 1000)} s`, { cause: error });
      if (error instanceof KubeError) throw error;
      throw new KubeError('unreachable', `${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const body = parseJson(text);
    if (status < 200 || status > 299) throw errorFromResponse(what, status, body);
    return body as T;
  }

  async get<T extends KubeObject>(type: ResourceType, namespace: string, name: string, signal?: AbortSignal): Promise<T> {
    return this.call<T>(`get ${resourceName(type)} ${namespace}/${name}`, {
      method: 'GET',
      path: objectPath(type, namespace, name),
      signal,
    });
  }

  /** Like `get`, but undefined when the object does not exist. */
  async find<T extends KubeObject>(type: ResourceType, namespace: string, name: string, signal?: AbortSignal): Promise<T | undefined> {
    try {
      return await this.get<T>(type, namespace, name, signal);
    } catch (error) {
      if (error instanceof KubeError && error.code === 'not_found') return undefined;
      throw error;
    }
  }

  async list<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
    selection: Selection = {},
    signal?: AbortSignal,
  ): Promise<KubeList<T>> {
    return this.call<KubeList<T>>(
      `list ${resourceName(type)} in ${namespace}${selection.labelSelector ? ` (${selection.labelSelector})` : ''}`,
      {
        method: 'GET',
        path: collectionPath(type, namespace),
        query: { labelSelector: selection.labelSelector || undefined, fieldSelector: selection.fieldSelector || undefined },
        signal,
      },
    );
  }

  async create<T extends KubeObject>(type: ResourceType, namespace: string, object: T, signal?: AbortSignal): Promise<T> {
    const body = { ...object, apiVersion: apiVersionOf(type), kind: type.kind, metadata: { ...object.metadata, namespace } };
    return this.call<T>(`create ${resourceName(type)} ${namespace}/${object.metadata.name}`, {
      method: 'POST',
      path: collectionPath(type, namespace),
      query: STRICT,
      contentType: 'application/json',
      body,
      signal,
    });
  }

  /** Deletes the object; resolves with what the server answered, or undefined when it was already gone. */
  async delete(
    type: ResourceType,
    namespace: string,
    name: string,
    options: DeleteOptions = {},
    signal?: AbortSignal,
  ): Promise<KubeObject | undefined> {
    const body = {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
      ...(options.propagationPolicy !== undefined ? { propagationPolicy: options.propagationPolicy } : {}),
      ...(options.uid !== undefined ? { preconditions: { uid: options.uid } } : {}),
    };
    try {
      return await this.call<KubeObject>(`delete ${resourceName(type)} ${namespace}/${name}`, {
        method: 'DELETE',
        path: objectPath(type, namespace, name),
        contentType: 'application/json',
        body,
        signal,
      });
    } catch (error) {
      if (error instanceof KubeError && error.code === 'not_found') return undefined;
      throw error;
    }
  }

  async patch<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
    name: string,
    patch: Patch,
    options: { subresource?: 'scale' | 'status'; signal?: AbortSignal } = {},
  ): Promise<T> {
    const sub = options.subresource ? `/${options.subresource}` : '';
    return this.call<T>(`patch (${patch.type}) ${resourceName(type)} ${namespace}/${name}${sub}`, {
      method: 'PATCH',
      path: objectPath(type, namespace, name, options.subresource),
      query: STRICT,
      contentType: PATCH_CONTENT_TYPES[patch.type],
      body: patch.type === 'json' ? patch.ops : patch.body,
      signal: options.signal,
    });
  }

  async getScale(type: ResourceType, namespace: string, name: string, signal?: AbortSignal): Promise<Scale> {
    return this.call<Scale>(`get ${resourceName(type)} ${namespace}/${name}/scale`, {
      method: 'GET',
      path: objectPath(type, namespace, name, 'scale'),
      signal,
    });
  }

  /** Sets the replicas through the scale subresource (a merge patch of `spec.replicas`). */
  async scale(type: ResourceType, namespace: string, name: string, replicas: number, signal?: AbortSignal): Promise<Scale> {
    return this.patch<Scale>(type, namespace, name, { type: 'merge', body: { spec: { replicas } } }, { subresource: 'scale', signal });
  }

  /**
   * Streams the changes after `resourceVersion` until the server ends the watch or `signal`
   * aborts (the iteration then ends quietly). An ERROR event throws its Status as a
   * `KubeError` (`gone` for 410: list again).
   */
  async *watch<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
    options: WatchOptions,
    signal: AbortSignal,
  ): AsyncGenerator<WatchEvent<T>> {
    const what = `watch ${resourceName(type)} in ${namespace}`;
    let res;
    try {
      res = await this.transport.send({
        method: 'GET',
        path: collectionPath(type, namespace),
        query: {
          watch: '1',
          resourceVersion: options.resourceVersion,
          allowWatchBookmarks: 'true',
          labelSelector: options.labelSelector || undefined,
          fieldSelector: options.fieldSelector || undefined,
          timeoutSeconds: options.timeoutSeconds !== undefined ? String(options.timeoutSeconds) : undefined,
        },
        signal,
      });
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    if (res.status < 200 || res.status > 299) throw errorFromResponse(what, res.status, parseJson(await readAll(res.body)));
    try {
      for await (const line of jsonLines(res.body)) {
        const event = parseJson(line) as WatchEvent<T>;
        if (typeof event !== 'object' || event === null || typeof event.type !== 'string')
          throw new KubeError('api_error', `${what}: not a watch event: ${line.slice(0, 200)}`);
        if (event.type === 'ERROR') {
          const status = event.object as unknown as { code?: number };
          throw errorFromResponse(what, status.code ?? 500, event.object);
        }
        yield event;
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof KubeError) throw error;
      throw new KubeError('unreachable', `${what}: the stream broke (${error instanceof Error ? error.message : String(error)})`, {
        cause: error,
      });
    }
  }
}
