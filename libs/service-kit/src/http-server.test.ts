import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { bearerTokenMatches, createHttpServer, HttpError, type HttpServer } from './http-server';
import { createLogger } from './logger';

const logger = createLogger({ service: 't', instance: 't', write: () => undefined });
let server: HttpServer;
let base: string;

async function start(apiToken?: string) {
  const registry = new Registry();
  registry.registerMetric(new (await import('prom-client')).Counter({ name: 'test_total', help: 'h', registers: [] }));
  server = createHttpServer({ logger, registry, apiToken });
  server.api.post('/echo', (req, res) => {
    res.json(req.body);
  });
  server.api.get('/fail', () => {
    throw new HttpError(422, 'bad_thing', 'field x: expected y');
  });
  const s = await server.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

afterEach(() => server.close());

describe('http server', () => {
  it('answers health, readiness and metrics', async () => {
    await start();
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    let ready = false;
    server.readiness.push({ name: 'kafka', check: () => ready });
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not_ready', checks: { kafka: false } });
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('# TYPE test_total counter');
  });

  it('routes added after listen work, unknown routes get a JSON 404', async () => {
    await start();
    const echo = await fetch(`${base}/echo`, {
      method: 'POST',
      body: JSON.stringify({ a: 1 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(await echo.json()).toEqual({ a: 1 });
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  });

  it('turns malformed JSON and typed errors into clear 4xx answers', async () => {
    await start();
    const bad = await fetch(`${base}/echo`, { method: 'POST', body: '{"a":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    const typed = await fetch(`${base}/fail`);
    expect(typed.status).toBe(422);
    expect(await typed.json()).toEqual({ error: { code: 'bad_thing', message: 'field x: expected y' } });
  });

  it('requires the bearer token on API routes when configured, not on probes', async () => {
    await start('s3cret');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);

    const missing = await fetch(`${base}/echo`, { method: 'POST' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await missing.json()).toEqual({
      error: { code: 'unauthorized', message: 'this route needs a bearer token: send Authorization: Bearer <API_TOKEN>' },
    });
    for (const authorization of ['Bearer wrong!', 'Bearer s3cre', 'Bearer s3cret2', 'Basic s3cret', 's3cret', 'Bearer ']) {
      const wrong = await fetch(`${base}/echo`, { method: 'POST', headers: { authorization } });
      expect([authorization, wrong.status]).toEqual([authorization, 401]);
      expect(await wrong.json()).toEqual({
        error: { code: 'unauthorized', message: 'the bearer token is not the API_TOKEN of this service' },
      });
    }
    // Unknown routes are refused too: without the token nobody learns which routes exist.
    expect((await fetch(`${base}/nope`)).status).toBe(401);

    const ok = await fetch(`${base}/echo`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ a: 1 });
    expect((await fetch(`${base}/echo`, { method: 'POST', headers: { authorization: 'bearer s3cret' } })).status).toBe(200);
    expect((await fetch(`${base}/nope`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(404);
  });
});

describe('bearerTokenMatches', () => {
  it('accepts exactly the token, with the Bearer scheme in any case', () => {
    expect(bearerTokenMatches('Bearer tok-1', 'tok-1')).toBe(true);
    expect(bearerTokenMatches('BEARER tok-1', 'tok-1')).toBe(true);
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Bearer tok-',
      'Bearer tok-12',
      'Bearer TOK-1',
      'Basic tok-1',
      'tok-1',
      'Bearer  tok-1',
    ]) {
      expect([header, bearerTokenMatches(header, 'tok-1')]).toEqual([header, false]);
    }
  });

  it('compares digests of equal length with timingSafeEqual, whatever the length sent', () => {
    const crypto = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const calls: Array<[number, number]> = [];
    const spy = jest.spyOn(crypto, 'timingSafeEqual').mockImplementation((a, b) => {
      calls.push([(a as Buffer).length, (b as Buffer).length]);
      return false;
    });
    try {
      for (const sent of ['x', 'a much longer token than the real one', '']) bearerTokenMatches(`Bearer ${sent}`, 'tok-1');
      bearerTokenMatches(undefined, 'tok-1');
    } finally {
      spy.mockRestore();
    }
    expect(calls).toEqual([
      [32, 32],
      [32, 32],
      [32, 32],
      [32, 32],
    ]);
  });
});
