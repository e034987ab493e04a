import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileScrapeTargets, listeningAddress, targetGroup } from './scrape-targets';

describe('targetGroup', () => {
  it('labels a target as a ServiceMonitor of deploy/base does: job = Service name, endpoint = the port name', () => {
    expect(targetGroup({ service: 'producer', instance: 'sc-1-p0', address: '127.0.0.1:4100' })).toEqual({
      targets: ['127.0.0.1:4100'],
      labels: { job: 'producer', namespace: 'local', service: 'producer', pod: 'sc-1-p0', container: 'producer', endpoint: 'http' },
    });
  });
});

describe('listeningAddress', () => {
  it('takes host and port from the http_listening line', () => {
    const log = '{"event":"starting"}\n{"event":"http_listening","host":"127.0.0.1","port":40123}\n';
    expect(listeningAddress(log)).toBe('127.0.0.1:40123');
  });
  it('a wildcard host is scraped on loopback', () => {
    expect(listeningAddress('{"event":"http_listening","host":"0.0.0.0","port":8081}')).toBe('127.0.0.1:8081');
  });
  it('null when no line says where it listens (or the line is cut short)', () => {
    expect(listeningAddress('{"event":"starting"}\n{"event":"http_listening","ho')).toBeNull();
    expect(listeningAddress('')).toBeNull();
  });
});

describe('fileScrapeTargets', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'sd-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes <scenario>.json in file_sd form, replaces it, and removes it', async () => {
    const sd = fileScrapeTargets(path.join(dir, 'targets'));
    await sd.write('sc-1', [{ service: 'consumer-validator', instance: 'sc-1-v0', address: '127.0.0.1:1' }]);
    await sd.write('sc-1', [
      { service: 'consumer-validator', instance: 'sc-1-v0', address: '127.0.0.1:1' },
      { service: 'producer', instance: 'sc-1-p0', address: '127.0.0.1:2' },
    ]);
    const written = JSON.parse(readFileSync(path.join(dir, 'targets', 'sc-1.json'), 'utf8')) as Array<{
      targets: string[];
      labels: { pod: string };
    }>;
    expect(written.map((g) => [g.targets[0], g.labels.pod])).toEqual([
      ['127.0.0.1:1', 'sc-1-v0'],
      ['127.0.0.1:2', 'sc-1-p0'],
    ]);
    expect(readdirSync(path.join(dir, 'targets'))).toEqual(['sc-1.json']);
    await sd.remove('sc-1');
    await sd.remove('sc-1');
    expect(readdirSync(path.join(dir, 'targets'))).toEqual([]);
  });

  it('refuses a scenario id that would escape the directory', async () => {
    await expect(fileScrapeTargets(dir).write('../x', [])).rejects.toThrow(/cannot name a scrape target file/);
  });
});
