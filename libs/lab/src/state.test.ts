import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabError } from './errors';
import { defaultLabDir, labProcess, parseLabState, readLabState, tryReadLabState, writeLabState } from './state';
import { planLab } from './topology';

const dirs: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const state = () =>
  planLab({
    dir: tempDir('lab-state-'),
    id: 'abc123',
    mode: 'netns',
    basePort: 21008,
    subnetIndex: 9,
    clusterIds: { source: 'SRCxxxxxxxxxxxxxxxxxxx', target: 'TGTxxxxxxxxxxxxxxxxxxx' },
    replicationPolicy: 'default',
    topics: '.*',
    kafkaVersion: '4.3.1',
    now: new Date(0),
  });

test('write then read gives the same state', () => {
  const s = state();
  s.processes[0].pid = 1234;
  writeLabState(s);
  expect(readLabState(s.dir)).toEqual(s);
});

test('no state file: tryRead gives null, read throws lab_not_found', () => {
  const dir = tempDir('lab-none-');
  expect(tryReadLabState(dir)).toBeNull();
  expect(() => readLabState(dir)).toThrow(expect.objectContaining({ code: 'lab_not_found' }));
});

test('a corrupt field is named in a state_invalid error', () => {
  const s = state();
  const raw = JSON.parse(JSON.stringify(s));
  raw.processes[2].ports.client = 'not-a-port';
  try {
    parseLabState(raw);
    throw new Error('expected a failure');
  } catch (error) {
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('state_invalid');
    expect((error as LabError).field).toBe('processes.2.ports.client');
    expect((error as LabError).message).toContain('processes.2.ports.client');
    expect((error as LabError).isUsageError).toBe(true);
  }
});

test('invalid JSON is state_invalid', () => {
  const dir = tempDir('lab-bad-');
  writeFileSync(join(dir, 'lab.json'), '{ nope');
  expect(() => readLabState(dir)).toThrow(expect.objectContaining({ code: 'state_invalid' }));
});

test('default lab dir: env first, else <repo>/.lab', () => {
  expect(defaultLabDir({ MIRRORLAB_LAB_DIR: '/srv/lab' }, '/')).toBe('/srv/lab');
  expect(defaultLabDir({}, __dirname)).toMatch(/\/\.lab$/);
});

test('labProcess finds by name or throws unknown_process', () => {
  const s = state();
  expect(labProcess(s, 'mm2').role).toBe('mirrormaker2');
  expect(() => labProcess(s, 'source-9')).toThrow(expect.objectContaining({ code: 'unknown_process' }));
});
