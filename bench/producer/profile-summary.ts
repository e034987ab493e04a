/**
 * Where a producer's CPU went: reads a V8 .cpuprofile (written with PRODUCER_PROFILE_DIR set for
 * bench/producer/run.ts) and prints self time by function and by area, as a Markdown table.
 *   npx tsx bench/producer/profile-summary.ts /tmp/prof/producer-100B-4000-....cpuprofile
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The part of the system a frame belongs to, by its source. */
function area(frame: ProfileNode['callFrame']): string {
  const { functionName: fn, url } = frame;
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'V8 / native (outside JS)';
  if (url.includes('kafka-javascript') || url.includes('librdkafka')) return 'librdkafka binding (JS side + native calls)';
  if (url.includes('kafkajs')) return 'kafkajs (control topic)';
  if (/protocol|record/i.test(url) || /encode|checksum|crc/i.test(fn)) return 'record encoding (mirrorlab)';
  if (url.includes('producer')) return 'producer logic (mirrorlab)';
  if (url.startsWith('node:')) return 'Node.js core';
  return url === '' ? 'native / builtins' : 'other JS';
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: profile-summary.ts FILE.cpuprofile\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
const busyUs = totalUs - [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, v]) => a + v, 0);

const byArea = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, us] of selfUs) {
  const frame = byId.get(id)!.callFrame;
  byArea.set(area(frame), (byArea.get(area(frame)) ?? 0) + us);
  const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(services|libs|node_modules)\//, '$1/')}:${frame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1)}%`;
const out = [
  `Profile ${file}: ${(totalUs / 1e6).toFixed(1)} s sampled, ${pct(busyUs)} busy.`,
  '',
  '| area | self time |',
  '| --- | ---: |',
];
for (const [name, us] of [...byArea].sort((a, b) => b[1] - a[1])) out.push(`| ${name} | ${pct(us)} |`);
out.push('', '| function (top 15 by self time) | self time |', '| --- | ---: |');
for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15)) out.push(`| \`${name}\` | ${pct(us)} |`);
process.stdout.write(`${out.join('\n')}\n`);
