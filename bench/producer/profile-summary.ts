/**
 * Where a producer's or validator's CPU went: reads a V8 .cpuprofile (written with PRODUCER_PROFILE_DIR
 * or VALIDATOR_PROFILE_DIR set for bench/producer/run.ts) and prints self time by function and by area,
 * as a Markdown table. Frames in a service bundle (dist/main.js) are mapped back to their sources
 * through the bundle's source map, so kafkajs, libs/ and the service's own code are told apart.
 *   npx tsx bench/producer/profile-summary.ts /tmp/prof/producer-100B-4000-....cpuprofile
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

/** Per generated line: [generated column, source index] segments, ascending (a source map's `mappings`, decoded). */
type LineSegments = Array<[number, number]>;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes the fields of a source map's mappings this needs (generated column, source); names and original positions are skipped. */
function decodeMappings(mappings: string): LineSegments[] {
  const lines: LineSegments[] = [];
  let source = 0;
  for (const line of mappings.split(';')) {
    const segs: LineSegments = [];
    let col = 0;
    for (const seg of line.split(',')) {
      if (seg === '') continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      col += fields[0];
      if (fields.length >= 4) {
        source += fields[1];
        segs.push([col, source]);
      }
    }
    lines.push(segs);
  }
  return lines;
}

const maps = new Map<string, { sources: string[]; lines: LineSegments[] } | null>();

/** The original source of a frame in a bundle with a source map beside it; the frame's own url otherwise. */
function sourceOf(frame: ProfileNode['callFrame']): string {
  if (!frame.url.startsWith('file://')) return frame.url;
  const file = fileURLToPath(frame.url);
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    const raw = existsSync(mapFile) ? (JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; mappings: string }) : null;
    maps.set(file, raw && { sources: raw.sources, lines: decodeMappings(raw.mappings) });
  }
  const map = maps.get(file);
  const segs = map?.lines[frame.lineNumber];
  if (!map || !segs || segs.length === 0) return frame.url;
  let hit = segs[0];
  for (const seg of segs) if (seg[0] <= frame.columnNumber) hit = seg;
  return map.sources[hit[1]] ?? frame.url;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The part of the system a frame belongs to, by its (source-mapped) source. */
function area(frame: ProfileNode['callFrame'], url: string): string {
  const fn = frame.functionName;
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'V8 / native (outside JS)';
  if (url.includes('kafka-javascript') || url.includes('librdkafka')) return 'librdkafka binding (JS side + native calls)';
  if (url.includes('kafkajs')) return 'kafkajs (fetch, decode; the control topic)';
  if (url.includes('libs/validation')) return 'checker (libs/validation)';
  if (url.includes('libs/protocol') || /encode|checksum|crc/i.test(fn)) return 'record encoding/decoding (libs/protocol)';
  // A bundle's own sources map to ../src/ (relative to its dist/).
  if (url.startsWith('../src/')) return "the service's own code (mirrorlab)";
  if (url.includes('services/producer')) return 'producer logic (mirrorlab)';
  if (url.includes('services/consumer-validator')) return 'validator logic (mirrorlab)';
  if (url.includes('node_modules/')) return `other packages (${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]})`;
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
  const url = sourceOf(frame);
  byArea.set(area(frame, url), (byArea.get(area(frame, url)) ?? 0) + us);
  const name = `${frame.functionName || '(anonymous)'} ${url.replace(/^.*?\/?(services|libs|node_modules)\//, '$1/')}${url === frame.url ? `:${frame.lineNumber + 1}` : ''}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1)}%`;
const out = [
  `Profile ${file}: ${(totalUs / 1e6).toFixed(1)} s sampled, ${pct(busyUs)} busy.`,
  '',
  '| area | self time |',
  '| --- | ---: |',
];
// Areas under 0.5% are summed into one row, so the table stays readable.
const areas = [...byArea].sort((a, b) => b[1] - a[1]);
const small = areas.filter(([, us]) => us / totalUs < 0.005);
for (const [name, us] of areas.filter(([, us]) => us / totalUs >= 0.005)) out.push(`| ${name} | ${pct(us)} |`);
if (small.length > 0) out.push(`| ${small.length} other areas | ${pct(small.reduce((a, [, us]) => a + us, 0))} |`);
out.push('', '| function (top 15 by self time) | self time |', '| --- | ---: |');
for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15)) out.push(`| \`${name}\` | ${pct(us)} |`);
process.stdout.write(`${out.join('\n')}\n`);
