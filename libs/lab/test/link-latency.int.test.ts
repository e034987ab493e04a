/**
 * The link-latency module against a real Toxiproxy (the binary tools/setup.sh builds), on
 * loopback, without a lab: the profile and a fault's toxics go on every proxy and come off
 * again, one fault's toxics leave the profile's and another fault's alone, and a byte sent
 * through a proxy really waits the configured delay.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  applyLinkLatency,
  applyLinkProfile,
  listFaultLinkToxics,
  listLinkToxics,
  listTaggedLinkToxics,
  removeTaggedLinkToxics,
} from '../src/link-latency';
import { isPortFree } from '../src/ports';
import type { InterDcProxy } from '../src/state';
import { ensureToxiproxy, renderToxiproxyConfig, toxiproxyReadiness, ToxiproxyClient } from '../src/toxiproxy';

let dir: string;
let toxiproxy: ChildProcess;
let echo: Server;
let proxy: InterDcProxy;

async function freePort(): Promise<number> {
  for (let port = 33000 + Math.floor(Math.random() * 20000); ; port++) if (await isPortFree(port)) return port;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mirrorlab-toxiproxy-'));
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const upstream = `127.0.0.1:${(echo.address() as AddressInfo).port}`;
  const api = await freePort();
  const listens = [await freePort(), await freePort()];
  proxy = {
    apiUrl: `http://127.0.0.1:${api}`,
    bootstrap: listens.map((p) => `127.0.0.1:${p}`).join(','),
    proxies: listens.map((p, i) => ({ name: `cross-dc-source-${i + 1}`, broker: `source-${i + 1}`, listen: `127.0.0.1:${p}`, upstream })),
    link: 'none',
  };
  const config = join(dir, 'toxiproxy.json');
  writeFileSync(config, renderToxiproxyConfig(proxy));
  toxiproxy = spawn(ensureToxiproxy(), ['-host', '127.0.0.1', '-port', String(api), '-config', config], { stdio: 'ignore' });
  const deadline = Date.now() + 20_000;
  while (!('ready' in (await toxiproxyReadiness(proxy)))) {
    if (Date.now() > deadline) throw new Error('toxiproxy did not come up');
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  toxiproxy?.kill('SIGTERM');
  await new Promise<void>((resolve) => (echo ? echo.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** Round trip of one byte through the first proxy (echo server behind it), in ms. */
async function roundTripMs(): Promise<number> {
  const [host, port] = proxy.proxies[0].listen.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) }, () => {
      const started = Date.now();
      socket.once('data', () => {
        resolve(Date.now() - started);
        socket.destroy();
      });
      socket.write('x');
    });
    socket.on('error', reject);
  });
}

test('the transatlantic profile puts a 40 ms ±3 ms latency toxic on each stream of every proxy, and none removes it', async () => {
  const toxics = await applyLinkProfile(proxy, 'transatlantic');
  expect(toxics.sort()).toEqual(
    ['cross-dc-source-1', 'cross-dc-source-2'].flatMap((p) => [
      `${p}/link-profile-downstream downstream latency=40 jitter=3`,
      `${p}/link-profile-upstream upstream latency=40 jitter=3`,
    ]),
  );
  // Lower bound, so deterministic: a byte crosses each direction's toxic once.
  expect(await roundTripMs()).toBeGreaterThanOrEqual(2 * (40 - 3));
  await applyLinkProfile(proxy, 'transatlantic'); // idempotent: replaced, not doubled
  expect(await listLinkToxics(proxy)).toHaveLength(4);
  expect(await applyLinkProfile(proxy, 'none')).toEqual([]);
  expect(await listLinkToxics(proxy)).toEqual([]);
});

test('a latency fault adds its own toxics on top of the profile; removing it leaves the profile and other faults', async () => {
  await applyLinkProfile(proxy, 'transatlantic');
  const spike = await applyLinkLatency(proxy, { tag: 'fspike', latencyMs: 300, jitterMs: 0, direction: 'to-target' });
  expect(spike.sort()).toEqual([
    'cross-dc-source-1/mirrorlab-fault-fspike-downstream downstream latency=300 jitter=0',
    'cross-dc-source-2/mirrorlab-fault-fspike-downstream downstream latency=300 jitter=0',
  ]);
  await applyLinkLatency(proxy, { tag: 'fspike', latencyMs: 300, jitterMs: 0, direction: 'to-target' }); // idempotent per tag
  await applyLinkLatency(proxy, { tag: 'fother', latencyMs: 10, jitterMs: 1, direction: 'both' });
  expect(await listTaggedLinkToxics(proxy, 'fspike')).toHaveLength(2);
  expect(await listFaultLinkToxics(proxy)).toHaveLength(2 + 4);
  // Toxics on a stream add up: profile 2 x 37+ and the spike's 300 one way, the other fault's 2 x 9+.
  expect(await roundTripMs()).toBeGreaterThanOrEqual(2 * 37 + 300 + 2 * 9);

  expect((await removeTaggedLinkToxics(proxy, 'fspike')).sort()).toEqual([
    'cross-dc-source-1/mirrorlab-fault-fspike-downstream',
    'cross-dc-source-2/mirrorlab-fault-fspike-downstream',
  ]);
  expect(await removeTaggedLinkToxics(proxy, 'fspike')).toEqual([]); // healing twice is a no-op
  expect(await listTaggedLinkToxics(proxy, 'fspike')).toEqual([]);
  expect(await listTaggedLinkToxics(proxy, 'fother')).toHaveLength(4);
  expect((await listLinkToxics(proxy)).filter((t) => t.includes('link-profile-'))).toHaveLength(4);
  await removeTaggedLinkToxics(proxy, 'fother');
  await applyLinkProfile(proxy, 'none');
  expect(await listLinkToxics(proxy)).toEqual([]);
});

test('bad latency options and an unreachable API are errors with a code and what to do', async () => {
  await expect(applyLinkLatency(proxy, { tag: 'f1', latencyMs: 0, jitterMs: 0, direction: 'both' })).rejects.toMatchObject({
    code: 'invalid_option',
    message: expect.stringContaining('latencyMs'),
  });
  await expect(applyLinkLatency(proxy, { tag: 'f1', latencyMs: 10, jitterMs: 20, direction: 'both' })).rejects.toMatchObject({
    code: 'invalid_option',
    message: expect.stringContaining('jitterMs'),
  });
  await expect(applyLinkLatency(proxy, { tag: 'Bad Tag', latencyMs: 10, jitterMs: 0, direction: 'both' })).rejects.toMatchObject({
    code: 'invalid_option',
  });
  await expect(new ToxiproxyClient('http://127.0.0.1:1', 1000).proxies()).rejects.toMatchObject({
    code: 'fault_command_failed',
    message: expect.stringContaining('mirrorlab lab status'),
  });
});
