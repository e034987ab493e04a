import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import { env, loadConfig, type ConfigOf, type EnvSchema } from './config';
import { ConfigError } from './errors';
import { createHttpServer, type HttpServer } from './http-server';
import { createLogger, LOG_LEVELS, type Logger } from './logger';
import { createMetricsRegistry } from './metrics';
import { GracefulShutdown } from './shutdown';

/** Variables every service reads. */
export function commonEnv(defaultPort: number) {
  return {
    PORT: env.port({ default: defaultPort }),
    HOST: env.string({ default: '0.0.0.0' }),
    LOG_LEVEL: env.oneOf(LOG_LEVELS, { default: 'info' }),
    /** Unique per replica; Kubernetes sets POD_NAME through the downward API. */
    INSTANCE_ID: env.optionalString(),
    API_TOKEN: env.optionalString({ secret: true }),
    SHUTDOWN_HOOK_TIMEOUT: env.duration({ default: 10_000 }),
  };
}
export type CommonConfig = ConfigOf<ReturnType<typeof commonEnv>>;

export interface ServiceContext<C> {
  service: string;
  instance: string;
  config: C & CommonConfig;
  logger: Logger;
  registry: Registry;
  http: HttpServer;
  shutdown: GracefulShutdown;
}

export interface ServiceDefinition<S extends EnvSchema> {
  name: string;
  defaultPort: number;
  env: S;
  /** Starts the service's work; runs after the HTTP server listens. Register stop hooks on ctx.shutdown. */
  start(ctx: ServiceContext<ConfigOf<S>>): Promise<void> | void;
}

/** A replica id that is unique without configuration: the pod name, or host + random suffix. */
export function defaultInstanceId(source: Record<string, string | undefined> = process.env): string {
  return source.POD_NAME || `${source.HOSTNAME || hostname()}-${randomBytes(3).toString('hex')}`;
}

/**
 * Wires what every service has: config from env (a bad value exits 2 naming the variable),
 * JSON logs, Prometheus metrics, /healthz /readyz /metrics, and a graceful shutdown on SIGTERM.
 */
export async function runService<S extends EnvSchema>(
  def: ServiceDefinition<S>,
  source: Record<string, string | undefined> = process.env,
): Promise<ServiceContext<ConfigOf<S>>> {
  let config: ConfigOf<S> & CommonConfig;
  try {
    config = loadConfig({ ...commonEnv(def.defaultPort), ...def.env }, source) as ConfigOf<S> & CommonConfig;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${def.name}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const instance = config.INSTANCE_ID ?? defaultInstanceId(source);
  const logger = createLogger({ service: def.name, instance, level: config.LOG_LEVEL });
  routeProcessWarnings(logger);
  const registry = createMetricsRegistry({ service: def.name, instance });
  const shutdown = new GracefulShutdown(logger, config.SHUTDOWN_HOOK_TIMEOUT);
  const http = createHttpServer({ logger, registry, apiToken: config.API_TOKEN });
  shutdown.installSignalHandlers();

  await http.listen(config.PORT, config.HOST);
  shutdown.register('http', () => http.close());
  const ctx: ServiceContext<ConfigOf<S>> = { service: def.name, instance, config, logger, registry, http, shutdown };
  logger.info('service_starting', { version: process.env.MIRRORLAB_VERSION ?? 'dev', node: process.version });
  try {
    await def.start(ctx);
  } catch (err) {
    logger.error('service_start_failed', { err });
    await shutdown.shutdown('start_failed');
    process.exit(1);
  }
  logger.info('service_started');
  return ctx;
}

/**
 * Node's process warnings (deprecations; kafkajs's TimeoutNegativeWarning is fixed at its source) become
 * structured log lines instead of free text on stderr, which reaches the user's terminal.
 * Removing the listeners drops Node's own printer, which is one of them.
 */
export function routeProcessWarnings(
  logger: Pick<Logger, 'warn'>,
  proc: Pick<NodeJS.Process, 'removeAllListeners' | 'on'> = process,
): void {
  proc.removeAllListeners('warning');
  proc.on('warning', (w: Error) => logger.warn('process_warning', { name: w.name, message: w.message }));
}
