import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { runServiceToExit, spawnService, type ServiceProcess } from './service-process';

export interface BundleContractOptions {
  /**
   * A GET route behind the API token and the status it answers with the right token; default
   * a route no service has (404 `not_found`): the request got past the token check.
   */
  api?: { path: string; status: number };
}

const KAFKA_PREFIXES = ['SOURCE_KAFKA', 'TARGET_KAFKA', 'CONTROL_KAFKA'];

/** Distinct, greppable secret values: a leak of any of them is found by a plain substring search. */
function secretEnv(env: Record<string, string>): { env: Record<string, string>; secrets: string[] } {
  const secret = (what: string) => `${what}-${randomBytes(12).toString('hex')}`;
  const out: Record<string, string> = { ...env, API_TOKEN: secret('api-token') };
  for (const prefix of KAFKA_PREFIXES) {
    out[`${prefix}_SASL_MECHANISM`] = 'scram-sha-512';
    out[`${prefix}_SASL_USERNAME`] = 'mirrorlab-contract';
    out[`${prefix}_SASL_PASSWORD`] = secret(`${prefix.toLowerCase()}-password`);
  }
  // A Redis nobody listens on, so the connection failure is certain and immediate.
  if (env.REDIS_URL !== undefined) out.REDIS_URL = `redis://:${secret('redis-password')}@127.0.0.1:9/0`;
  const secrets = [out.API_TOKEN, ...KAFKA_PREFIXES.map((p) => out[`${p}_SASL_PASSWORD`])];
  if (env.REDIS_URL !== undefined) secrets.push(/^redis:\/\/:([^@]+)@/.exec(out.REDIS_URL)![1]);
  return { env: out, secrets };
}

/** Everything a service process wrote, as one string. */
function allOutput(svc: ServiceProcess): string {
  return [...svc.events.map((e) => JSON.stringify(e)), ...svc.stderr].join('\n');
}

/**
 * The contract every service bundle keeps, as jest tests: it starts, answers
 * /healthz and /metrics, exits 0 on SIGTERM, a malformed env var stops it
 * with exit code 2 and a message naming the variable, API_TOKEN guards its API
 * (not the probes), and no secret it is given ever reaches its output.
 */
export function describeBundleContract(
  service: string,
  bundle: string,
  env: Record<string, string> = {},
  options: BundleContractOptions = {},
): void {
  const api = options.api ?? { path: '/no-such-route', status: 404 };

  describe(`${service} bundle`, () => {
    beforeAll(() => {
      if (!existsSync(bundle)) throw new Error(`${bundle} is missing: build it first (npx nx run ${service}:build)`);
    });

    it('starts, answers /healthz and /metrics, and exits 0 on SIGTERM', async () => {
      const svc = await spawnService(bundle, env);
      try {
        const health = await fetch(`${svc.baseUrl}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({ status: 'ok' });
        const metrics = await (await fetch(`${svc.baseUrl}/metrics`)).text();
        expect(metrics).toContain('process_cpu_user_seconds_total');
        expect(metrics).toContain(`service="${service}"`);
        expect(svc.events.every((e) => e.service === service && typeof e.ts === 'string')).toBe(true);
      } finally {
        expect(await svc.stop('SIGTERM')).toBe(0);
      }
      expect(svc.events.some((e) => e.event === 'shutdown_finished')).toBe(true);
    });

    it('refuses a malformed env var with its name and expected form, not a stack trace', async () => {
      const { code, stderr } = await runServiceToExit(bundle, { ...env, PORT: 'eighty' });
      expect(code).toBe(2);
      expect(stderr).toContain('PORT: expected a TCP port from 0 to 65535, got "eighty"');
      expect(stderr).not.toMatch(/\n\s+at /);
    });

    it(`with API_TOKEN set, GET ${api.path} needs the bearer token (JSON 401 without it or with a wrong one); probes stay open`, async () => {
      const token = randomBytes(16).toString('hex');
      const svc = await spawnService(bundle, { ...env, API_TOKEN: token });
      try {
        expect((await fetch(`${svc.baseUrl}/healthz`)).status).toBe(200);
        expect((await fetch(`${svc.baseUrl}/metrics`)).status).toBe(200);
        expect([200, 503]).toContain((await fetch(`${svc.baseUrl}/readyz`)).status);

        const missing = await fetch(`${svc.baseUrl}${api.path}`);
        expect(missing.status).toBe(401);
        expect(missing.headers.get('www-authenticate')).toBe('Bearer');
        expect(await missing.json()).toEqual({
          error: { code: 'unauthorized', message: expect.stringContaining('Authorization: Bearer <API_TOKEN>') },
        });

        const nearMiss = `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`;
        for (const authorization of [`Bearer ${nearMiss}`, `Bearer ${token}x`, `Basic ${token}`, token]) {
          const wrong = await fetch(`${svc.baseUrl}${api.path}`, { headers: { authorization } });
          expect([authorization, wrong.status]).toEqual([authorization, 401]);
          expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
        }

        const right = await fetch(`${svc.baseUrl}${api.path}`, { headers: { authorization: `Bearer ${token}` } });
        expect(right.status).toBe(api.status);
        expect(await right.text()).not.toContain('unauthorized');
      } finally {
        expect(await svc.stop('SIGTERM')).toBe(0);
      }
    });

    it('never writes a secret (SASL passwords, API token, Redis password) to its output: at start, on a connection failure, on a config error', async () => {
      const { env: withSecrets, secrets } = secretEnv(env);
      const svc = await spawnService(bundle, withSecrets);
      try {
        // Kafka refuses SASL (the lab listens in plaintext) or is not there; Redis is not there.
        await svc.waitForEvent((e) => e.component === 'kafkajs' || e.event === 'service_start_failed', 120_000);
        if (env.REDIS_URL !== undefined) await svc.waitForEvent((e) => e.event === 'redis_error', 60_000);
        await fetch(`${svc.baseUrl}${api.path}`, { headers: { authorization: `Bearer ${secrets[0]}-wrong` } }).catch(() => undefined);
      } finally {
        await svc.stop('SIGTERM');
        await svc.outputClosed;
      }
      const output = allOutput(svc);
      for (const secret of secrets) expect(output).not.toContain(secret);

      const broken = await runServiceToExit(bundle, {
        ...withSecrets,
        PORT: 'eighty',
        ...(env.REDIS_URL !== undefined ? { REDIS_URL: withSecrets.REDIS_URL.replace(/^redis:/, 'http:') } : {}),
      });
      expect(broken.code).toBe(2);
      expect(broken.stderr).toContain('PORT: expected');
      for (const secret of secrets) expect(`${broken.stdout}\n${broken.stderr}`).not.toContain(secret);
    });
  });
}
