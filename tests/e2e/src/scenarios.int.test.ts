import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findRepoRoot, listLinkFaults, interDcLink, type LabState } from '@mirrorlab/lab';
import { ControlRecorder } from '@mirrorlab/control/testing';
import { runningLab, stopLocalStack } from './support/lab-env';

/**
 * Every built-in scenario, end to end through the real CLI (`mirrorlab run`), on the
 * lab: provisioner, fault-runner and report-aggregator as local processes, producers
 * and validators spawned per scenario, real faults. Each yields its expected verdict.
 * Durations are mostly halved (--time-scale 0.5) to keep the suite short.
 */
const repo = findRepoRoot(__dirname)!;
const cli = path.join(repo, 'node_modules', '.bin', 'mirrorlab');
const run = promisify(execFile);
const NETWORK_KINDS = ['packet-loss', 'network-partition', 'bandwidth-cap'];
const NO_LINK_FAULTS = { iptables: [], qdiscs: [] };
let lab: LabState;

interface Outcome {
  scenarioId: string;
  verdict: 'pass' | 'fail' | 'error' | 'inconclusive';
  reasons: string[];
  phase: string;
  reportHtml: string | null;
}

async function mirrorlabRun(file: string, timeScale = 0.5): Promise<{ code: number; outcome?: Outcome; stderr: string }> {
  try {
    const { stdout, stderr } = await run(cli, ['run', file, '--time-scale', String(timeScale), '--json', '--no-build', '--dir', lab.dir], {
      cwd: repo,
      timeout: 600_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, outcome: JSON.parse(stdout) as Outcome, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    let outcome: Outcome | undefined;
    try {
      outcome = JSON.parse(e.stdout ?? '') as Outcome;
    } catch {
      outcome = undefined;
    }
    return { code: typeof e.code === 'number' ? e.code : -1, outcome, stderr: e.stderr ?? String(err) };
  }
}

beforeAll(() => {
  lab = runningLab();
});

afterAll(() => {
  // Leave the lab as the next test file expects it: no stack sharing its queues, every process alive, no fault rules,
  // MirrorMaker 2 in the default mode (the exactly-once scenarios switch it).
  stopLocalStack(lab);
  const up = spawnSync(cli, ['lab', 'up', '--dir', lab.dir, '--replicator-mode', 'dedicated'], { encoding: 'utf8' });
  expect(up.status).toBe(0);
  const status = spawnSync(cli, ['lab', 'status', '--dir', lab.dir], { encoding: 'utf8' });
  expect(status.status).toBe(0);
  if (lab.network) expect(listLinkFaults(interDcLink(lab))).toEqual(NO_LINK_FAULTS);
});

/**
 * Every built-in scenario and the time scale it runs at here. add-replicator-worker runs at full
 * length: its injection returns once the second MirrorMaker 2 worker has joined and taken tasks,
 * which takes 20-75 s on this machine (Connect rebalance), and a halved run would end before that.
 *
 * `npm test` (CI, under 60 minutes) runs the scenarios marked `ci`: at least one per fault family
 * (process, membership, admin, link, workload) besides the baseline; `npm run test:scenarios`
 * (MIRRORLAB_SCENARIOS=all) runs every one.
 */
const ALL_SCENARIOS = process.env.MIRRORLAB_SCENARIOS === 'all';
const inSuite = <T extends [string, number, 'ci' | 'all']>(runs: T[]): Array<[string, number]> =>
  runs.filter(([, , suite]) => ALL_SCENARIOS || suite === 'ci').map(([name, scale]) => [name, scale]);

const scenarioRuns = inSuite([
  ['baseline', 0.5, 'ci'],
  ['kill-source-broker', 0.5, 'ci'], // process
  ['kill-target-broker', 0.5, 'all'],
  ['pause-broker', 0.5, 'all'],
  ['shrink-grow-source', 0.5, 'ci'], // membership
  ['kill-replicator', 0.5, 'all'],
  ['add-replicator-worker', 1, 'all'],
  ['add-topic', 0.5, 'all'],
  ['add-partitions', 0.5, 'ci'], // admin (and pickup time)
  ['packet-loss', 0.5, 'all'],
  ['network-partition', 0.5, 'ci'], // link
  ['bandwidth-cap', 0.5, 'all'],
  ['latency-spike', 0.5, 'all'],
  ['transatlantic', 0.5, 'all'],
  ['latency-bandwidth', 0.5, 'all'],
  ['failover-steady', 0.5, 'ci'], // workload
  ['failover-after-kill-replicator', 0.5, 'all'],
  ['failover-after-add-partitions', 0.5, 'all'],
  // Full length: the quiet topic's translation needs MirrorMaker 2's offset flush (60 s) to catch up.
  ['failover-quiet-topic', 1, 'all'],
]);

test.each(scenarioRuns)('%s passes on MirrorMaker 2 (time scale %s)', (name, timeScale) => expectBuiltInPasses(name, timeScale), 480_000);

async function expectBuiltInPasses(name: string, timeScale: number): Promise<void> {
  const file = path.join(repo, 'scenarios', `${name}.yaml`);
  const needsNetns = NETWORK_KINDS.some((k) => readFileSync(file, 'utf8').includes(`kind: ${k}`));
  const result = await mirrorlabRun(file, timeScale);
  // Nothing from a client library's warnings on the user's terminal (issue 9): kafkajs's TimeoutNegativeWarning
  // came from the lab health check that `mirrorlab run` starts with.
  expect(result.stderr).not.toMatch(/TimeoutNegativeWarning|\(node:\d+\) \w*Warning/);
  if (needsNetns && lab.mode === 'loopback') {
    // No network namespaces here: the CLI must refuse clearly instead of pretending.
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('network faults');
    return;
  }
  if (result.code !== 0)
    throw new Error(
      `mirrorlab run ${name} exited ${result.code}: ${JSON.stringify(result.outcome)}\n${result.stderr.split('\n').slice(-30).join('\n')}`,
    );
  expect(result.outcome).toMatchObject({ verdict: 'pass', phase: 'done' });
  expect(existsSync(result.outcome!.reportHtml!)).toBe(true);
  const report = JSON.parse(readFileSync(path.join(path.dirname(result.outcome!.reportHtml!), 'report.json'), 'utf8')) as {
    faults: Array<{
      faultId: string;
      healStartedAtMs: number | null;
      backAtMs: number | null;
      recovery: { status: string; reason: string | null };
    }>;
    warmup: { seconds: number; measuringAtMs: number; steady: boolean; detail: string } | null;
  };
  expect(report.faults.length).toBe((readFileSync(file, 'utf8').match(/kind: /g) ?? []).length);
  // Every built-in scenario is sized so that each of its faults has its recovery measured (issue 11).
  expect(report.faults.filter((f) => f.recovery.status === 'not-measured').map((f) => `${f.faultId}: ${f.recovery.reason}`)).toEqual([]);
  // A warm-up ran before the measured workload, and it settled.
  expect(report.warmup).toMatchObject({ steady: true });
  console.log(
    `${name}: warm-up ${report.warmup?.seconds} s; ${report.faults.map((f) => `${f.faultId} recovery ${f.recovery.status}`).join(', ')}`,
  );
  if (name.startsWith('failover-')) {
    // The drill ran and reported; a correct MirrorMaker 2 made the failed-over consumer skip nothing (issue 13).
    const failover = (
      JSON.parse(readFileSync(path.join(path.dirname(result.outcome!.reportHtml!), 'report.json'), 'utf8')) as {
        consumerFailover: { drills: unknown[]; missingDrills: string[]; checkpoints: number; totals: Record<string, number> } | null;
      }
    ).consumerFailover;
    expect(failover).toMatchObject({ missingDrills: [], totals: { skipped: 0, unsafeTranslations: 0, regressions: 0 } });
    expect(failover!.drills).toHaveLength(1);
    expect(failover!.checkpoints).toBeGreaterThan(0);
    console.log(`${name}: consumer failover ${JSON.stringify(failover!.totals)}`);
  }
}

/**
 * Retention purges what a paused MirrorMaker 2 had not copied (issue 12): the run is expected
 * to pass with the purge named. The report's lost split must show purged-before-mirrored > 0
 * with source offsets below the log start the audit saw, and nothing lost in replication.
 */
test('retention-purge: records purged before they were mirrored are named so, none lost in replication', async () => {
  const result = await mirrorlabRun(path.join(repo, 'scenarios', 'retention-purge.yaml'));
  if (result.code !== 0)
    throw new Error(
      `mirrorlab run retention-purge exited ${result.code}: ${JSON.stringify(result.outcome)}\n${result.stderr.split('\n').slice(-30).join('\n')}`,
    );
  expect(result.outcome).toMatchObject({ verdict: 'pass', phase: 'done' });
  const report = JSON.parse(readFileSync(path.join(path.dirname(result.outcome!.reportHtml!), 'report.json'), 'utf8')) as {
    lostSplit: {
      audited: boolean;
      samples: number;
      unaudited: number;
      purgedBeforeMirrored: { count: number; examples: Array<{ sourceOffset: number | null }> };
      lostInReplication: { count: number };
      lostAtSource: { count: number };
    };
    faults: Array<{ kind: string; verified: boolean | null; recovery: { status: string; reason: string | null } }>;
  };
  expect(report.lostSplit).toMatchObject({ audited: true, unaudited: 0, lostInReplication: { count: 0 }, lostAtSource: { count: 0 } });
  expect(report.lostSplit.purgedBeforeMirrored.count).toBeGreaterThan(0);
  expect(report.lostSplit.purgedBeforeMirrored.examples.every((e) => e.sourceOffset !== null)).toBe(true);
  expect(report.faults.map((f) => [f.kind, f.verified]).sort()).toEqual([
    ['pause-replicator', true],
    ['retention-purge', true],
  ]);
  // Sized like every built-in scenario: each fault's recovery is measured (issue 11).
  expect(report.faults.filter((f) => f.recovery.status === 'not-measured').map((f) => `${f.kind}: ${f.recovery.reason}`)).toEqual([]);
  console.log(
    `retention-purge: ${report.lostSplit.purgedBeforeMirrored.count} purged before mirrored, ${report.lostSplit.samples} audit samples`,
  );
}, 480_000);

/**
 * A source topic deleted and created again under a paused MirrorMaker 2 (issue 12): the records it
 * had not copied are deleted with the old topic (lost at the source). On the new topic MirrorMaker 2
 * was seen to do either of two things with the same schedule: copy it from its beginning (nothing
 * lost in replication: PASS), or resume at its end, skipping what was written to it meanwhile (lost
 * in replication: FAIL on that alone). Either way every missing record is classified, and the ones
 * lost in replication are the new topic's (offsets from 0), those lost at the source the old one's.
 */
// About 90 s: with every built-in scenario (npm run test:scenarios), not in npm test.
// Only in `npm run test:scenarios`; `npm test` defines no such test (as inSuite does), not a skipped one.
if (ALL_SCENARIOS)
  test('recreate-topic: records deleted with the old topic are lost at the source; any MirrorMaker 2 skipped on the new one, in replication', async () => {
    const result = await mirrorlabRun(path.join(repo, 'scenarios', 'recreate-topic.yaml'));
    expect(result.outcome).toMatchObject({ phase: 'done' });
    const report = JSON.parse(readFileSync(path.join(path.dirname(result.outcome!.reportHtml!), 'report.json'), 'utf8')) as {
      lostSplit: {
        audited: boolean;
        unaudited: number;
        purgedBeforeMirrored: { count: number };
        lostInReplication: { count: number; examples: Array<{ sourceOffset: number | null }> };
        lostAtSource: { count: number; examples: Array<{ sourceOffset: number | null }> };
      };
      anomalies: Array<{ class: string; count: number }>;
      faults: Array<{ kind: string; verified: boolean | null; recovery: { status: string; reason: string | null } }>;
    };
    const split = report.lostSplit;
    const inReplication = split.lostInReplication.count;
    if (inReplication === 0) expect([result.code, result.outcome!.verdict, result.outcome!.reasons]).toEqual([0, 'pass', []]);
    else
      expect([result.code, result.outcome!.verdict, result.outcome!.reasons]).toEqual([
        1,
        'fail',
        [`lostInReplication: ${inReplication} > max 0`],
      ]);
    const count = (cls: string) => report.anomalies.find((a) => a.class === cls)?.count ?? 0;
    expect(split).toMatchObject({ audited: true, purgedBeforeMirrored: { count: 0 } });
    // A record whose delivery report gave no offset cannot be checked (0 and 1 seen on the lab): never more than a handful.
    expect(split.unaudited).toBeLessThanOrEqual(3);
    expect(split.lostAtSource.count).toBeGreaterThan(0);
    // Every missing record once, in one class.
    expect(split.lostAtSource.count + inReplication).toBe(count('lost') + count('unseen'));
    expect([count('unexpected'), count('duplicate')]).toEqual([0, 0]);
    // Examples are the smallest by seq: the old topic's records (offsets past the warm-up) come first in seq, the new topic's from 0.
    const offsets = (es: Array<{ sourceOffset: number | null }>) => es.map((e) => e.sourceOffset!);
    if (inReplication > 0)
      expect(Math.max(...offsets(split.lostInReplication.examples))).toBeLessThan(Math.min(...offsets(split.lostAtSource.examples)));
    expect(report.faults.map((f) => [f.kind, f.verified]).sort()).toEqual([
      ['pause-replicator', true],
      ['recreate-topic', null], // one-shot: nothing to heal
    ]);
    // Sized like every built-in scenario: each fault's recovery is measured (issue 11).
    expect(report.faults.filter((f) => f.recovery.status === 'not-measured').map((f) => `${f.kind}: ${f.recovery.reason}`)).toEqual([]);
    console.log(`recreate-topic: ${split.lostAtSource.count} lost at the source, ${inReplication} lost in replication`);
  }, 480_000);

/**
 * The source audit consumer (issue 12, `audit.sourceConsumer`): a consumer-validator reading the SOURCE
 * topics in a group of its own. On a run without faults it must read every acknowledged record on the
 * source, and the lost split (which it feeds) must be all zero. About 60 s: with every built-in
 * scenario (npm run test:scenarios), not in npm test.
 */
(ALL_SCENARIOS ? test : test.skip)(
  'audit.sourceConsumer: the source audit consumer reads every acknowledged record on the source; the lost split is all zero',
  async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ml-audit-'));
    const file = path.join(dir, 'source-audit.yaml');
    writeFileSync(
      file,
      'name: source-audit\ntopics: [{ name: ml.source-audit, partitions: 3 }]\n' +
        'workload: { producers: 1, rate: { records: 100 }, duration: 20s }\nvalidators: { count: 1 }\naudit: { sourceConsumer: true }\n',
    );
    const result = await mirrorlabRun(file);
    rmSync(dir, { recursive: true, force: true });
    if (result.code !== 0)
      throw new Error(
        `mirrorlab run source-audit exited ${result.code}: ${JSON.stringify(result.outcome)}\n${result.stderr.split('\n').slice(-30).join('\n')}`,
      );
    expect(result.outcome).toMatchObject({ verdict: 'pass', phase: 'done' });
    const report = JSON.parse(readFileSync(path.join(path.dirname(result.outcome!.reportHtml!), 'report.json'), 'utf8')) as {
      sourceConsumer: {
        ran: boolean;
        final: boolean;
        acked: number;
        ackedRead: number;
        missing: { count: number };
        records: number;
      } | null;
      lostSplit: {
        audited: boolean;
        lostAtSource: { count: number };
        purgedBeforeMirrored: { count: number };
        lostInReplication: { count: number };
      };
    };
    const audit = report.sourceConsumer!;
    expect(audit).toMatchObject({ ran: true, final: true, missing: { count: 0 } });
    expect(audit.acked).toBeGreaterThan(0);
    expect(audit.ackedRead).toBe(audit.acked);
    expect(audit.records).toBeGreaterThanOrEqual(audit.acked);
    expect(report.lostSplit).toMatchObject({
      audited: true,
      lostAtSource: { count: 0 },
      purgedBeforeMirrored: { count: 0 },
      lostInReplication: { count: 0 },
    });
    console.log(`source audit consumer: read ${audit.ackedRead} of ${audit.acked} acknowledged records on the source`);
  },
  480_000,
);

/**
 * Per-partition independence (issue 9): while one source broker is down, only the partitions it
 * led may stop. Counted, not timed: the producer's acknowledgements per partition per second
 * (`producer.progress.partitionAcks`, by the arrival of each record's delivery report) summed
 * over the seconds inside the fault window, against the records the schedule asked of each
 * partition in those seconds (`rates`, spread evenly: keys are). With 6 partitions led round-robin
 * by 3 brokers, at most 2 may fall short; the other 4 keep >= 90% of their share.
 */
test('kill-source-broker: partitions the killed broker did not lead keep >= 90% of their rate in the fault window', async () => {
  const reports = path.join(repo, 'reports');
  // The newest kill-source-broker report: reports/ outlives labs, and an older run's events are not on this lab's control topic.
  const dir = (existsSync(reports) ? readdirSync(reports) : [])
    .filter((d) => d.startsWith('kill-source-broker-'))
    .sort((a, b) => statSync(path.join(reports, a)).mtimeMs - statSync(path.join(reports, b)).mtimeMs)
    .at(-1);
  expect(dir).toBeDefined();
  const report = JSON.parse(readFileSync(path.join(reports, dir!, 'report.json'), 'utf8')) as {
    scenario: { id: string };
    faults: Array<{ kind: string; injectedAtMs: number; healedAtMs: number | null }>;
  };
  const fault = report.faults.find((f) => f.kind === 'kill-broker')!;
  // Whole seconds inside the window.
  const fromMs = Math.ceil(fault.injectedAtMs / 1000) * 1000;
  const toMs = Math.floor((fault.healedAtMs ?? fault.injectedAtMs) / 1000) * 1000;
  expect(toMs - fromMs).toBeGreaterThanOrEqual(5000);

  const control = await ControlRecorder.start({ brokers: lab.target.bootstrap, name: `e2e-partition-flow-${Date.now()}` });
  const progress = control.of(report.scenario.id, 'producer.progress');
  await control.close();
  expect(progress.length).toBeGreaterThan(0);
  const inWindow = (t: number) => t >= fromMs && t < toMs;
  const requested = progress
    .flatMap((e) => e.rates)
    .filter(([t]) => inWindow(t))
    .reduce((s, r) => s + r[1], 0);
  const acked = new Map<number, number>();
  for (const [t, , partition, n] of progress.flatMap((e) => e.partitionAcks ?? []))
    if (inWindow(t)) acked.set(partition, (acked.get(partition) ?? 0) + n);
  const perPartition = Array.from({ length: 6 }, (_, p) => acked.get(p) ?? 0);
  const share = requested / 6;
  expect(share).toBeGreaterThan(0);
  const kept = perPartition.filter((n) => n >= 0.9 * share);
  if (kept.length < 4)
    throw new Error(
      `acknowledged per partition in the fault window: ${perPartition.join(', ')}; each partition's share of the requested load: ${Math.round(share)}`,
    );
}, 120_000);

test('a scenario asking far more than the lab can carry ends INCONCLUSIVE (exit 3), never PASS', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ml-overload-'));
  const file = path.join(dir, 'overload.yaml');
  // A million 100 B records/s: the producer sends flat out (tens of thousands/s here) and sheds the rest.
  writeFileSync(
    file,
    'name: overload\ntopics: [{ name: ml.overload, partitions: 6 }]\nworkload: { producers: 1, rate: { records: 1000000 }, duration: 20s, recordSize: 100 }\nvalidators: { count: 1 }\n',
  );
  const result = await mirrorlabRun(file);
  rmSync(dir, { recursive: true, force: true });
  expect(result.code).toBe(3);
  expect(result.outcome?.verdict).toBe('inconclusive');
  expect(result.outcome?.reasons.join('\n')).toMatch(/requested/);
}, 480_000);

test('an invalid scenario file is refused before anything starts, every problem listed', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ml-bad-'));
  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(
    bad,
    'name: bad\ntopics: [{ name: t, partitions: 0 }]\nworkload: { rate: { records: 10 }, duration: soon }\nfaults: [{ at: 1s, kind: meteor }]\n',
  );
  const result = await mirrorlabRun(bad);
  rmSync(dir, { recursive: true, force: true });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('topics[0].partitions');
  expect(result.stderr).toContain('workload.duration: expected a duration like 30s');
  expect(result.stderr).toMatch(/faults\[0\]\.kind: expected one of/);
});

test('a real report opens in headless Chromium with the fault window on its charts', async () => {
  const reports = path.join(repo, 'reports');
  const dirs = existsSync(reports)
    ? readdirSync(reports).filter((d: string) => d.startsWith('network-partition-') || d.startsWith('kill-source-broker-'))
    : [];
  expect(dirs.length).toBeGreaterThan(0);
  const page = path.join(reports, dirs[0], 'report.html');
  const profile = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
  ];
  const png = path.join(reports, 'screenshots', `${dirs[0]}.png`);
  mkdirSync(path.dirname(png), { recursive: true });
  await run('/usr/bin/chromium', [...flags, `--screenshot=${png}`, '--window-size=1400,2400', `file://${page}`], { timeout: 90_000 });
  const { stdout: dom } = await run('/usr/bin/chromium', [...flags, '--dump-dom', `file://${page}`], {
    timeout: 90_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  rmSync(profile, { recursive: true, force: true });
  expect(readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG');
  expect((dom.match(/<rect class="fault-window"/g) ?? []).length).toBeGreaterThanOrEqual(2);
  expect(dom).toMatch(/<svg[^>]*>/);
});

/**
 * Transactional producers through at-least-once MirrorMaker 2 (issue 14): its source consumer reads
 * read_uncommitted, so every record of an aborted transaction is mirrored as committed (seen on the
 * lab: 1,900 of 1,900). The checker must say so: FAIL on abortedReads, nothing else.
 * A read_uncommitted validator runs beside the read_committed one (`validators.readUncommitted`),
 * in a group of its own: it reads the aborted records too, and the verdict stays the committed one's.
 */
test('transactional producers through at-least-once MirrorMaker 2: aborted records are mirrored, the run FAILs on abortedReads', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ml-tx-alo-'));
  const file = path.join(dir, 'tx-alo.yaml');
  writeFileSync(
    file,
    'name: tx-alo\nreplicator: { mode: dedicated }\ntopics: [{ name: ml.tx-alo, partitions: 6 }]\n' +
      'workload: { producers: 1, rate: { records: 200 }, duration: 40s, transactions: { size: 200, abortEvery: 4 } }\n' +
      'validators: { count: 1, readUncommitted: 1 }\n',
  );
  const result = await mirrorlabRun(file);
  rmSync(dir, { recursive: true, force: true });
  expect(result.code).toBe(1);
  expect(result.outcome?.verdict).toBe('fail');
  expect(result.outcome?.reasons).toEqual([expect.stringMatching(/^abortedReads: \d+ > max 0 \(default\)$/)]);
  const reports = path.join(repo, 'reports');
  const latest = readdirSync(reports)
    .filter((d) => d.startsWith('tx-alo-'))
    .sort((a, b) => statSync(path.join(reports, a)).mtimeMs - statSync(path.join(reports, b)).mtimeMs)
    .at(-1)!;
  const report = JSON.parse(readFileSync(path.join(reports, latest, 'report.json'), 'utf8')) as {
    expectations: Array<{ name: string; measured: number | null }>;
    totals: { consumedDistinct: number };
    basis: { validators: Array<{ id: string }> };
    readUncommitted: {
      validators: string[];
      readCommitted: Record<'consumed' | 'abortedReads' | 'duplicates' | 'lost' | 'unexpected', number>;
      readUncommitted: Record<'consumed' | 'abortedReads' | 'duplicates' | 'lost' | 'unexpected', number>;
    };
  };
  const aborted = report.expectations.find((e) => e.name === 'abortedReads')!.measured!;
  expect(aborted).toBeGreaterThan(0);
  // The committed validator decides, and alone: its counts are the report's.
  expect(report.basis.validators.map((v) => v.id)).toEqual([expect.stringMatching(/-v0$/)]);
  expect(report.readUncommitted.validators).toEqual([expect.stringMatching(/-u0$/)]);
  expect(report.readUncommitted.readCommitted).toEqual({
    consumed: report.totals.consumedDistinct,
    abortedReads: aborted,
    duplicates: 0,
    lost: 0,
    unexpected: 0,
  });
  // At-least-once MM2 wrote the aborted records as committed ones: the read_uncommitted validator reads exactly as many.
  expect(report.readUncommitted.readUncommitted).toEqual(report.readUncommitted.readCommitted);
}, 480_000);

/**
 * Exactly-once (issue 14), last so the lab switches mode once: MirrorMaker 2 in replicator mode
 * dedicated-eos (`mirrorlab run` restarts it so), transactional producers aborting every 4th
 * transaction, validators at read_committed. Each must show no duplicate, no loss and no record
 * of an aborted transaction, also across a replicator kill.
 */
const exactlyOnceRuns = inSuite([
  ['exactly-once', 0.5, 'ci'],
  ['exactly-once-kill-replicator', 0.5, 'all'],
  ['exactly-once-kill-source-broker', 0.5, 'all'],
]);

test.each(exactlyOnceRuns)(
  '%s passes on MirrorMaker 2 with exactly-once source support (time scale %s)',
  async (name, timeScale) => {
    await expectBuiltInPasses(name, timeScale);
    const status = spawnSync(cli, ['lab', 'status', '--dir', lab.dir], { encoding: 'utf8' });
    expect(status.stdout).toContain('replicator mode   dedicated-eos');
    const reports = path.join(repo, 'reports');
    const dir = readdirSync(reports)
      .filter((d) => d.startsWith(`${name}-`))
      .sort((a, b) => statSync(path.join(reports, a)).mtimeMs - statSync(path.join(reports, b)).mtimeMs)
      .at(-1)!;
    const report = JSON.parse(readFileSync(path.join(reports, dir, 'report.json'), 'utf8')) as {
      expectations: Array<{ name: string; measured: number | null; max: number }>;
    };
    // Checked, and at 0: duplicates because the mode is exactly-once, aborted reads because the workload is transactional.
    expect(
      report.expectations.filter((e) => e.name === 'duplicates' || e.name === 'abortedReads').map((e) => [e.name, e.measured, e.max]),
    ).toEqual([
      ['duplicates', 0, 0],
      ['abortedReads', 0, 0],
    ]);
  },
  480_000,
);

/**
 * The capacity ramp (issue 9), through the CLI's text output: the report's `capacity` section
 * judges every measured step, names the replicator's sustained capacity and, apart, the first
 * step the tester itself could not deliver, and `mirrorlab run` prints that line. Whatever this
 * lab's capacity is, nothing may be lost on the way; the verdict may be FAIL when the ramp
 * outruns the replicator's p99 bound (README, "Capacity"), so it is not asserted. Run by
 * `npm run test:scenarios` (~200 s at time scale 0.5), not by `npm test`.
 */
// Only in `npm run test:scenarios`; `npm test` defines no such test (as inSuite does), not a skipped one.
if (ALL_SCENARIOS)
  test('capacity: the report gives the sustained capacity and the tester saturation apart, and the CLI prints it', async () => {
    const { stdout, stderr, code } = await run(
      cli,
      ['run', path.join(repo, 'scenarios', 'capacity.yaml'), '--time-scale', '0.5', '--no-build', '--dir', lab.dir],
      { cwd: repo, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
    ).then(
      (r) => ({ ...r, code: 0 }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({
        stdout: err.stdout ?? '',
        stderr: err.stderr ?? '',
        code: typeof err.code === 'number' ? err.code : -1,
      }),
    );
    expect(stderr).not.toMatch(/TimeoutNegativeWarning|\(node:\d+\) \w*Warning/);
    expect([0, 1, 3]).toContain(code);
    const reportHtml = /^report: (.+)$/m.exec(stdout)?.[1];
    expect(reportHtml).toBeDefined();
    const report = JSON.parse(readFileSync(path.join(path.dirname(reportHtml!), 'report.json'), 'utf8')) as {
      expectations: Array<{ name: string; status: string; measured: number | null }>;
      capacity: {
        steps: Array<{ offered: number; status: 'ok' | 'tester-saturated' | 'replicator-saturated' }>;
        sustainedRecordsPerSec: number | null;
        testerSaturatedAt: number | null;
        replicatorSaturatedAt: number | null;
        lowerBound: boolean;
      } | null;
    };
    // Correctness holds at every rate: nothing lost, nothing unexpected.
    expect(report.expectations.filter((e) => ['lost', 'unexpected'].includes(e.name)).map((e) => [e.name, e.status])).toEqual([
      ['lost', 'met'],
      ['unexpected', 'met'],
    ]);
    const c = report.capacity!;
    expect(c).not.toBeNull();
    expect(c.steps.length).toBeGreaterThan(0);
    // Offered load rises step by step, on the ramp's levels (2000..20000 by 2000).
    expect(c.steps.every((s, i) => s.offered % 2000 === 0 && (i === 0 || s.offered > c.steps[i - 1].offered))).toBe(true);
    // The summary follows from the steps: sustained = the last ok step before the first that was not;
    // each saturation = the first step with that status.
    const firstBad = c.steps.findIndex((s) => s.status !== 'ok');
    const okSteps = firstBad === -1 ? c.steps : c.steps.slice(0, firstBad);
    expect(c.sustainedRecordsPerSec).toBe(okSteps.at(-1)?.offered ?? null);
    expect(c.testerSaturatedAt).toBe(c.steps.find((s) => s.status === 'tester-saturated')?.offered ?? null);
    expect(c.replicatorSaturatedAt).toBe(c.steps.find((s) => s.status === 'replicator-saturated')?.offered ?? null);
    // The CLI's summary line says the same.
    const at = (v: number | null) => (v === null ? '—' : String(v));
    const sustained =
      c.sustainedRecordsPerSec === null
        ? 'none sustained'
        : `${c.lowerBound ? 'at least ' : ''}${c.sustainedRecordsPerSec} records/s sustained`;
    expect(stdout).toContain(
      `capacity: ${sustained} (replicator fell behind at ${at(c.replicatorSaturatedAt)}; tester saturated at ${at(c.testerSaturatedAt)})`,
    );
    console.log(`capacity: ${c.steps.map((s) => `${s.offered} ${s.status}`).join(', ')}`);
  }, 600_000);

/**
 * `replicators: [...]`: the classic faults once per replicator mode, then the comparison (issue 14):
 * dedicated (at-least-once), dedicated-eos (exactly-once: duplicates checked at 0) and connect (a
 * Kafka Connect cluster of two workers, where kill-replicator hits one worker). Every run passes
 * with its recovery measured (issue 11) and the comparison page is written. They leave the lab in
 * the last mode; afterAll switches it back. The modes come from each file's `replicators:`.
 */
const modeComparisons: Array<[string, number, string[]]> = inSuite([
  ['kill-replicator-modes', 0.5, 'all'],
  ['kill-source-broker-modes', 0.5, 'all'],
  ['network-partition-modes', 0.5, 'all'],
]).map(([name, scale]) => [name, scale, replicatorsOf(name)]);

function replicatorsOf(name: string): string[] {
  const line = /^replicators: \[([^\]]+)\]$/m.exec(readFileSync(path.join(repo, 'scenarios', `${name}.yaml`), 'utf8'));
  if (line === null) throw new Error(`scenarios/${name}.yaml has no replicators: [...] line`);
  return line[1].split(',').map((m) => m.trim());
}

// `npm test` runs none of these: an empty table would make test.each fail.
if (modeComparisons.length > 0)
  test.each(modeComparisons)(
    '%s runs once per replicator mode, each passes with its recovery measured, and the comparison is written (time scale %s)',
    async (name, timeScale, modes) => {
      const file = path.join(repo, 'scenarios', `${name}.yaml`);
      const result = await mirrorlabRun(file, timeScale);
      if (lab.mode === 'loopback' && NETWORK_KINDS.some((k) => readFileSync(file, 'utf8').includes(`kind: ${k}`))) {
        // No network namespaces here: the CLI must refuse clearly instead of pretending.
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('network faults');
        return;
      }
      // With `replicators:` the CLI's JSON is the runs and the comparison, not one outcome.
      const out = (result.outcome ?? {}) as unknown as { runs?: Array<{ mode: string; outcome: Outcome }>; comparison?: string | null };
      if (result.code !== 0 || out.runs === undefined)
        throw new Error(
          `mirrorlab run ${name} exited ${result.code}: ${JSON.stringify(result.outcome)}\n${result.stderr.split('\n').slice(-30).join('\n')}`,
        );
      expect(out.runs.map((r) => [r.mode, r.outcome.verdict])).toEqual(modes.map((m) => [m, 'pass']));
      expect(existsSync(out.comparison!)).toBe(true);
      for (const { mode, outcome } of out.runs) {
        const report = JSON.parse(readFileSync(path.join(path.dirname(outcome.reportHtml!), 'report.json'), 'utf8')) as {
          faults: Array<{ faultId: string; recovery: { status: string; reason: string | null } }>;
          expectations: Array<{ name: string; max: number | null; measured: number | null }>;
        };
        expect(report.faults).toHaveLength(1);
        // Exactly-once promises no duplicates: checked at 0 in that mode only (the files state no duplicates bound).
        const duplicates = report.expectations.find((e) => e.name === 'duplicates');
        if (mode === 'dedicated-eos') expect(duplicates).toMatchObject({ max: 0, measured: 0 });
        else expect(duplicates).toBeUndefined();
        expect(
          report.faults.filter((f) => f.recovery.status === 'not-measured').map((f) => `${mode} ${f.faultId}: ${f.recovery.reason}`),
        ).toEqual([]);
      }
    },
    900_000,
  );

/**
 * MirrorMaker 2 on a Kafka Connect cluster of two workers (replicator mode connect, issue 14), in
 * `npm run test:scenarios` only: the baseline in that mode (the *-modes runs above compare
 * it with the dedicated modes under faults). The lab is left in connect mode; afterAll puts it back.
 */
const connectRuns = inSuite([['connect-baseline', 0.5, 'all']]);

// `npm test` runs none of these: an empty table would make test.each fail.
if (connectRuns.length > 0)
  test.each(connectRuns)(
    '%s passes on MirrorMaker 2 on a Kafka Connect cluster (time scale %s)',
    async (name, timeScale) => {
      await expectBuiltInPasses(name, timeScale);
      const status = spawnSync(cli, ['lab', 'status', '--dir', lab.dir], { encoding: 'utf8' });
      expect(status.stdout).toContain('replicator mode   connect (at-least-once)');
      expect(status.stdout).toMatch(/connect cluster {3}2 workers \(mm2 http:\/\/\S+, mm2-2 http:\/\/\S+\)/);
    },
    480_000,
  );
