import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planLab, writeLabState } from '@mirrorlab/lab';
import type { CliContext } from './context';
import { runCli } from './run';

function capture(): CliContext & { stdout: string; stderr: string } {
  const ctx = {
    stdout: '',
    stderr: '',
    env: {} as NodeJS.ProcessEnv,
    cwd: process.cwd(),
    out: (t: string) => void (ctx.stdout += t.endsWith('\n') ? t : `${t}\n`),
    err: (t: string) => void (ctx.stderr += t.endsWith('\n') ? t : `${t}\n`),
  };
  return ctx;
}

const dirs: string[] = [];
const emptyDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-lab-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('help', () => {
  test('mirrorlab --help lists the lab command and the exit codes', async () => {
    const ctx = capture();
    expect(await runCli(['--help'], ctx)).toBe(0);
    expect(ctx.stdout).toMatch(/lab .*Run a local lab/);
    expect(ctx.stdout).toContain('Exit codes: 0 ok (pass), 1 failure');
    expect(ctx.stdout).toContain('3 inconclusive (the tester did not deliver the requested load)');
  });

  test.each(['up', 'status', 'down', 'fetch', 'logs', 'env'])('lab %s --help explains itself', async (sub) => {
    const ctx = capture();
    expect(await runCli(['lab', sub, '--help'], ctx)).toBe(0);
    expect(ctx.stdout).toContain(`Usage: mirrorlab lab ${sub}`);
    expect(ctx.stdout.split('\n').length).toBeGreaterThan(4);
  });

  test('lab up --help shows options and defaults', async () => {
    const ctx = capture();
    await runCli(['lab', 'up', '--help'], ctx);
    for (const text of ['--dir <path>', 'MIRRORLAB_LAB_DIR', '--topics <regex>', '--replication-policy', 'identity', '--no-netns']) {
      expect(ctx.stdout).toContain(text);
    }
    expect(ctx.stdout).toMatch(/\(default:\s+240\)/);
  });
});

describe('usage errors exit 2', () => {
  test.each([
    [['lab', 'up', '--replication-policy', 'mirror']],
    [['lab', 'up', '--topics', '(']],
    [['lab', 'up', '--timeout', '0']],
    [['lab', 'logs']],
    [['lab', 'bogus']],
    [['lab']],
    [['nope']],
  ])('%j', async (args) => {
    const ctx = capture();
    expect(await runCli(args, ctx)).toBe(2);
    expect(ctx.stderr).not.toBe('');
  });
});

describe('against a lab directory', () => {
  test('status with no lab: exit 1 and what to do', async () => {
    const ctx = capture();
    const dir = emptyDir();
    expect(await runCli(['lab', 'status', '--dir', dir], ctx)).toBe(1);
    expect(ctx.stderr).toContain(`no lab in ${dir}`);
    expect(ctx.stderr).toContain('mirrorlab lab up');
  });

  test('down with no lab: nothing to stop, exit 0', async () => {
    const ctx = capture();
    const dir = emptyDir();
    expect(await runCli(['lab', 'down', '--dir', dir], ctx)).toBe(0);
    expect(ctx.stdout).toContain('nothing to stop');
  });

  test('status of a lab whose processes are stopped: the table, exit 1; env prints exports', async () => {
    const dir = emptyDir();
    writeLabState(
      planLab({
        dir,
        id: 'abc123',
        mode: 'loopback',
        basePort: 21008,
        subnetIndex: null,
        clusterIds: { source: 'SRCxxxxxxxxxxxxxxxxxxx', target: 'TGTxxxxxxxxxxxxxxxxxxx' },
        replicationPolicy: 'default',
        topics: '.*',
        kafkaVersion: '4.3.1',
        now: new Date(0),
      }),
    );
    const ctx = capture();
    expect(await runCli(['lab', 'status', '--dir', dir], ctx)).toBe(1);
    expect(ctx.stdout).toMatch(/source-1\s+broker\s+-\s+127\.0\.0\.1:21008, controller 21011, crossDc 21024\s+\(host\)\s+stopped/);
    expect(ctx.stdout).toContain('network faults    off (loopback mode)');
    expect(ctx.stderr).toContain('lab is not healthy');

    const env = capture();
    expect(await runCli(['lab', 'env', '--dir', dir], env)).toBe(0);
    expect(env.stdout).toContain("export MIRRORLAB_SOURCE_BOOTSTRAP='127.0.0.1:21008,127.0.0.1:21009,127.0.0.1:21010'");

    const logs = capture();
    expect(await runCli(['lab', 'logs', 'source-9', '--dir', dir], logs)).toBe(2);
    expect(logs.stderr).toContain('no process "source-9"');
  });

  test('a corrupt lab.json is a configuration error naming the field (exit 2)', async () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'lab.json'), JSON.stringify({ schemaVersion: 1, id: 'zz' }));
    const ctx = capture();
    expect(await runCli(['lab', 'status', '--dir', dir], ctx)).toBe(2);
    expect(ctx.stderr).toContain('field "id"');
  });
});

describe('validate', () => {
  test('prints the effective expectations, correctness defaults included', async () => {
    const dir = emptyDir();
    const file = join(dir, 'only-latency.yaml');
    writeFileSync(
      file,
      'name: only-latency\ntopics: [{ name: t, partitions: 1 }]\nworkload: { rate: { records: 10 }, duration: 10s }\nexpectations: { p99LatencyMs: { max: 500 } }\n',
    );
    const ctx = capture();
    expect(await runCli(['validate', file], ctx)).toBe(0);
    expect(ctx.stdout).toContain(
      [
        '  expectations (the verdict fails when one is exceeded):',
        '    lost <= 0 records (default)',
        '    unexpected <= 0 records (default)',
        '    corrupt <= 0 records (default)',
        '    foreign <= 0 records (default)',
        '    inconsistentOffsets <= 0 ranges (default)',
        '    p99LatencyMs <= 500 ms',
      ].join('\n'),
    );
    expect(ctx.stdout).toContain(
      '  record encoding: compact (mirrorlab meta as binary in one Kafka header, mb: about 40 bytes, the producer id read from the key)\n',
    );
  });

  test('prints the record encoding the scenario asks for; an unknown one is an error naming the field (exit 2)', async () => {
    const dir = emptyDir();
    const scenario = (encoding: string) =>
      `name: enc\ntopics: [{ name: t, partitions: 1 }]\nworkload: { rate: { records: 10 }, duration: 10s, encoding: ${encoding} }\n`;
    writeFileSync(join(dir, 'headers.yaml'), scenario('headers'));
    writeFileSync(join(dir, 'avro.yaml'), scenario('avro'));
    const ok = capture();
    expect(await runCli(['validate', join(dir, 'headers.yaml')], ok)).toBe(0);
    expect(ok.stdout).toContain('  record encoding: headers (mirrorlab meta in 8-9 ml-* Kafka headers)\n');
    const bad = capture();
    expect(await runCli(['validate', join(dir, 'avro.yaml')], bad)).toBe(2);
    expect(bad.stderr).toContain('workload.encoding');
    expect(bad.stderr).toContain('single-header');
  });
});

describe('validate, a scenario run once per replicator mode', () => {
  test('names the modes a line holds in: duplicates at 0 in the exactly-once mode only', async () => {
    const dir = emptyDir();
    const file = join(dir, 'modes.yaml');
    writeFileSync(
      file,
      'name: modes\nreplicators: [dedicated, dedicated-eos, connect]\ntopics: [{ name: t, partitions: 1 }]\nworkload: { rate: { records: 10 }, duration: 10s }\n',
    );
    const ctx = capture();
    expect(await runCli(['validate', file], ctx)).toBe(0);
    expect(ctx.stdout).toContain(
      '    inconsistentOffsets <= 0 ranges (default)\n    duplicates <= 0 records (default) (in dedicated-eos only)\n',
    );
    expect(ctx.stdout).not.toContain('lost <= 0 records (default) (in');
  });
});

describe('exit codes for verdicts', () => {
  test('0 pass, 1 fail, 2 error, 3 inconclusive', async () => {
    const { exitCodeForVerdict } = await import('./exit-codes');
    expect(['pass', 'fail', 'error', 'inconclusive'].map(exitCodeForVerdict)).toEqual([0, 1, 2, 3]);
  });
});
