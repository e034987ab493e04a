/**
 * Port probing: a lab takes a block of ports derived from its id and moves to the next
 * block when any port of it is taken (another lab, a stray process).
 */
import { createServer } from 'node:net';
import { LabError } from './errors';
import { allPorts, candidateBasePorts, portsForBase } from './topology';

/** True when nothing listens on `host:port` (we could bind it). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function arePortsFree(ports: number[], host = '127.0.0.1'): Promise<boolean> {
  for (const port of ports) {
    if (!(await isPortFree(port, host))) return false;
  }
  return true;
}

/** First base port (from the id's preferred block on) whose whole block is free on `host`. */
export async function allocateBasePort(id: string, host = '127.0.0.1', isFree = arePortsFree): Promise<number> {
  for (const base of candidateBasePorts(id)) {
    if (await isFree(allPorts(portsForBase(base)), host)) return base;
  }
  throw new LabError(
    'allocation_failed',
    `no free block of lab ports on ${host} between 20000 and 32767; stop other labs (mirrorlab lab down)`,
  );
}
