import { MirrorlabError } from '@mirrorlab/service-kit';

export type KubeErrorCode =
  /** 400: the request is malformed (a bad selector, a body that is not an object). */
  | 'bad_request'
  /** 401: no or bad credentials (kubeconfig user, service account token). */
  | 'unauthorized'
  /** 403: RBAC does not allow this verb on this resource; see deploy/ for the Role. */
  | 'forbidden'
  /** 404: the object (or the resource type: a CRD not installed) does not exist. */
  | 'not_found'
  /** 409: the object exists already, or a precondition (uid, resourceVersion) failed. */
  | 'conflict'
  /** 410: a watch asked for a resourceVersion the server no longer has; list again. */
  | 'gone'
  /** 415: the server does not take this patch type for this resource. */
  | 'unsupported_media_type'
  /** 422: the object or patch was refused (validation, a failed JSON-patch `test`). */
  | 'invalid'
  /** Any other error status (429, 5xx). */
  | 'api_error'
  /** No HTTP answer: connection refused, reset, TLS failure, request timeout. */
  | 'unreachable'
  /** A wait did not see its condition within its bound. */
  | 'timeout';

/** A Kubernetes `Status` object, as the API server returns it with every error. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ reason?: string; message?: string; field?: string }> };
  code: number;
}

const CODE_OF_STATUS: Record<number, KubeErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'gone',
  415: 'unsupported_media_type',
  422: 'invalid',
};

/** Codes a later attempt of the same call can get past. */
const RETRIABLE: ReadonlySet<KubeErrorCode> = new Set(['api_error', 'unreachable', 'timeout', 'gone']);

/** A failed call to the Kubernetes API, or a wait on it that ran out of time. */
export class KubeError extends MirrorlabError<KubeErrorCode> {
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** The Status object's `reason` (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`...), when there was one. */
  readonly reason: string | undefined;

  constructor(
    code: KubeErrorCode,
    message: string,
    options: { status?: number; reason?: string; cause?: unknown; retriable?: boolean } = {},
  ) {
    super(code, message, {
      cause: options.cause,
      retriable: options.retriable ?? (RETRIABLE.has(code) || (options.status !== undefined && options.status >= 500)),
    });
    this.status = options.status;
    this.reason = options.reason;
  }
}

export function isKubeError(error: unknown, code?: KubeErrorCode): error is KubeError {
  return error instanceof KubeError && (code === undefined || error.code === code);
}

function isStatus(body: unknown): body is KubeStatus {
  return typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'Status';
}

/** The error for an HTTP answer that is not a success: the server's Status message when it sent one. */
export function errorFromResponse(what: string, status: number, body: unknown): KubeError {
  const code = CODE_OF_STATUS[status] ?? 'api_error';
  const detail = isStatus(body)
    ? (body.message ?? body.reason ?? `HTTP ${status}`)
    : typeof body === 'string' && body.trim() !== ''
      ? body.trim().slice(0, 300)
      : `HTTP ${status}`;
  const hint = code === 'forbidden' ? ' (the service account lacks this right: see the Role in deploy/)' : '';
  return new KubeError(code, `${what}: ${detail}${hint}`, { status, reason: isStatus(body) ? body.reason : undefined });
}
