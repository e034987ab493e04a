import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * The alert rules through the real promtool (Debian's prometheus package, installed by
 * tools/setup.sh): `check rules`, and `test rules` with input series for every alert.
 */
const alertsDir = path.resolve(__dirname, '..', 'alerts');
const rulesFile = path.join(alertsDir, 'mirrorlab-rules.yaml');
const testsFile = path.join(alertsDir, 'tests', 'mirrorlab-rules.test.yaml');

interface RuleTests {
  rule_files: string[];
  tests: Array<{ name: string; alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
}

function promtool(...args: string[]) {
  const res = spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000 });
  if (res.error)
    throw new Error(`promtool did not run (${res.error.message}); tools/setup.sh installs it (Debian package prometheus)`, {
      cause: res.error,
    });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

const alertNames = (file: string): string[] =>
  (parse(readFileSync(file, 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string }> }> }).groups
    .flatMap((g) => g.rules.map((r) => r.alert))
    .filter((a): a is string => a !== undefined);

test('promtool check rules accepts the rule file', () => {
  const res = promtool('check', 'rules', rulesFile);
  expect(res.output).toContain(`SUCCESS: ${alertNames(rulesFile).length} rules found`);
  expect(res.status).toBe(0);
});

test('the promtool unit tests pass', () => {
  const res = promtool('test', 'rules', testsFile);
  expect(res.output).toContain('SUCCESS');
  expect(res.status).toBe(0);
});

test('every alert has a case where it fires and one where it stays silent', () => {
  const tests = parse(readFileSync(testsFile, 'utf8')) as RuleTests;
  expect(tests.rule_files.map((f) => path.resolve(path.dirname(testsFile), f))).toEqual([rulesFile]);
  const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
  const names = alertNames(rulesFile);
  expect(names.length).toBeGreaterThan(0);
  for (const alert of names) {
    const mine = cases.filter((c) => c.alertname === alert);
    expect({ alert, fires: mine.some((c) => (c.exp_alerts ?? []).length > 0) }).toEqual({ alert, fires: true });
    expect({ alert, silent: mine.some((c) => (c.exp_alerts ?? []).length === 0) }).toEqual({ alert, silent: true });
  }
  expect([...new Set(cases.map((c) => c.alertname))].sort()).toEqual([...names].sort());
});

test('the unit tests catch a broken rule: a loss threshold raised to 5 fails them, naming the alert', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rules-'));
  try {
    mkdirSync(path.join(dir, 'tests'));
    const rules = readFileSync(rulesFile, 'utf8');
    const broken = rules.replace('sum by (scenario) (mirrorlab_validator_lost) > 0', 'sum by (scenario) (mirrorlab_validator_lost) > 5');
    expect(broken).not.toBe(rules);
    writeFileSync(path.join(dir, 'mirrorlab-rules.yaml'), broken);
    writeFileSync(path.join(dir, 'tests', 'rules.test.yaml'), readFileSync(testsFile, 'utf8'));
    const res = promtool('test', 'rules', path.join(dir, 'tests', 'rules.test.yaml'));
    expect(res.status).not.toBe(0);
    expect(res.output).toMatch(/FAILED[\s\S]*alertname: MirrorlabLossDetected/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
