import { createServer, type Server } from 'node:net';
import { allocateBasePort, isPortFree } from './ports';
import { candidateBasePorts } from './topology';

test('a port someone listens on is not free; it is once they stop', async () => {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  expect(await isPortFree(port)).toBe(false);
  await new Promise<void>((r) => server.close(() => r()));
  expect(await isPortFree(port)).toBe(true);
});

test('allocation takes the id-derived block, or the next one when a port of it is taken', async () => {
  const [first, second] = candidateBasePorts('00abcd');
  expect(await allocateBasePort('00abcd', '127.0.0.1', async () => true)).toBe(first);
  const taken = async (ports: number[]) => !ports.includes(first + 3);
  expect(await allocateBasePort('00abcd', '127.0.0.1', taken)).toBe(second);
  await expect(allocateBasePort('00abcd', '127.0.0.1', async () => false)).rejects.toMatchObject({ code: 'allocation_failed' });
});
