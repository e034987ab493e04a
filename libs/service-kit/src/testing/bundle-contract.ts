import { existsSync } from 'node:fs';
import { runServiceToExit, spawnService } from './service-process';

/**
 * The contract every service bundle keeps, as jest tests: it starts, answers
 * /healthz and /metrics, exits 0 on SIGTERM, and a malformed env var stops it
 * with exit code 2 and a message naming the variable.
 */
export function describeBundleContract(service: string, bundle: string, env: Record<string, string> = {}): void {
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
  });
}
