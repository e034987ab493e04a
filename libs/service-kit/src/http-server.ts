import express, { Router, type Express, type NextFunction, type Request, type Response } from 'express';
import type { Server } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';
import { MirrorlabError } from './errors';
import type { Logger } from './logger';

export interface ReadinessCheck {
  name: string;
  check: () => boolean | Promise<boolean>;
}

export interface HttpServerOptions {
  logger: Logger;
  registry: Registry;
  readiness?: ReadinessCheck[];
  /** When set, every route except /healthz, /readyz and /metrics needs `Authorization: Bearer <token>`. */
  apiToken?: string;
}

export interface HttpServer {
  app: Express;
  /** The service's own routes; may be added after the server listens. */
  api: Router;
  /** Readiness checks; may be added after the server listens (none: ready). */
  readiness: ReadinessCheck[];
  listen(port: number, host?: string): Promise<Server>;
  close(): Promise<void>;
}

/** An HTTP error with a status and a stable code, rendered as `{ error: { code, message } }`. */
export class HttpError extends MirrorlabError {
  readonly status: number;
  readonly details?: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(code, message);
    this.status = status;
    this.details = details;
  }
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Whether the Authorization header carries the token. Both sides are hashed first so
 * the comparison is constant-time whatever the length of what was sent: comparing the
 * raw strings would return early on a length mismatch and leak the token's length.
 */
export function bearerTokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/i.exec(header ?? '');
  return timingSafeEqual(sha256(m ? m[1] : ''), sha256(token)) && m !== null;
}

const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { logger, registry } = options;
  const app = express();
  app.disable('x-powered-by');
  const readiness: ReadinessCheck[] = [...(options.readiness ?? [])];
  const api = Router();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const results: Record<string, boolean> = {};
    for (const c of readiness) {
      try {
        results[c.name] = await c.check();
      } catch {
        results[c.name] = false;
      }
    }
    const ready = Object.values(results).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: results });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  if (options.apiToken) {
    const token = options.apiToken;
    app.use((req: Request, res: Response, next: NextFunction) => {
      const header = req.header('authorization');
      if (OPEN_PATHS.has(req.path) || bearerTokenMatches(header, token)) return next();
      const message =
        header === undefined
          ? 'this route needs a bearer token: send Authorization: Bearer <API_TOKEN>'
          : 'the bearer token is not the API_TOKEN of this service';
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer')
        .json({ error: { code: 'unauthorized', message } });
    });
  }
  app.use(express.json({ limit: '1mb' }));
  app.use(api);

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such route' } });
  });
  // Express recognises error handlers by arity, so all four parameters stay.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'invalid_json', message: `request body is not valid JSON: ${e.message}` } });
      return;
    }
    if (e?.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'body_too_large', message: 'request body is over 1 MB' } });
      return;
    }
    logger.error('http_unhandled_error', { method: req.method, path: req.path, err });
    res.status(500).json({ error: { code: 'internal', message: 'internal error; see the service log' } });
  });

  let server: Server | undefined;
  return {
    app,
    api,
    readiness,
    listen(port, host = '0.0.0.0') {
      return new Promise((resolve, reject) => {
        const s = app.listen(port, host, (err?: Error) => {
          if (err) return reject(err);
          server = s;
          const addr = s.address();
          logger.info('http_listening', { host, port: typeof addr === 'object' && addr ? addr.port : port });
          resolve(s);
        });
        s.once('error', reject);
      });
    },
    close() {
      return new Promise((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
