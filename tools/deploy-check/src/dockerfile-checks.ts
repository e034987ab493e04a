import { posix } from 'node:path';
import { parseDockerfile, stageChain, type DockerInstruction, type DockerStage } from './dockerfile-model';
import { problem, type Problem } from './problem';
import { SERVICES, type ServiceContract } from './service-contract';

/** Node 24 LTS, slim; a digest pin is welcome. */
const RUNTIME_BASE = /^node:24-slim(@sha256:[0-9a-f]{64})?$/;
const ENTRYPOINT = ['node', '--enable-source-maps', '/app/main.js'];
/** The bundle, its source map, and the licence notices esbuild extracts from it. */
const BUNDLE_FILES = ['main.js', 'main.js.map', 'main.js.LEGAL.txt'];
const REQUIRED_BUNDLE_FILES = ['main.js', 'main.js.map'];
const OCI_LABELS = { version: 'VERSION', source: 'SOURCE' } as const;

/**
 * Services whose Kafka client is librdkafka (@confluentinc/kafka-javascript): a native addon the
 * bundle cannot hold. Their image may also copy the binding's node_modules from the stage that
 * built it, and install the shared libraries it links (libssl3, zlib1g) with apt-get.
 */
const NATIVE_KAFKA = { services: new Set(['producer']), stage: 'kafka-native', from: '/native/node_modules', to: '/app/node_modules' };
const NATIVE_LIBS_RUN =
  /^apt-get update -qq && apt-get install -y -qq (--no-install-recommends )?libssl3 zlib1g ca-certificates >\/dev\/null && rm -rf \/var\/lib\/apt\/lists\/\*$/;

const isRoot = (user: string) => /^(root|0)(:.*)?$/.test(user);

/** Instructions of a chain in build order (base stage first). */
const chainInstructions = (chain: readonly DockerStage[]): DockerInstruction[] => [...chain].reverse().flatMap((s) => s.instructions);

/** The checks on one service's image target. */
function checkTarget(stages: readonly DockerStage[], svc: ServiceContract): string[] {
  const chain = stageChain(stages, svc.name);
  if (chain.length === 0) return [`no build target "${svc.name}" (FROM ... AS ${svc.name})`];
  const out: string[] = [];
  const base = chain.at(-1)?.base ?? '';
  if (!RUNTIME_BASE.test(base)) out.push(`runtime image is built on ${base}, not node:24-slim`);
  const ins = chainInstructions(chain);
  const at = (i: DockerInstruction) => `line ${i.line}`;

  for (const i of ins.filter((x) => x.keyword === 'HEALTHCHECK'))
    out.push(`${at(i)}: HEALTHCHECK in a runtime image; probes live in Kubernetes`);
  const user = ins.filter((x) => x.keyword === 'USER').at(-1)?.args[0];
  if (!user) out.push('runs as root: no USER');
  else if (isRoot(user)) out.push(`runs as root: USER ${user}`);

  const copies = ins.filter((x) => x.keyword === 'COPY' || x.keyword === 'ADD');
  const copied = new Set<string>();
  const native = NATIVE_KAFKA.services.has(svc.name);
  for (const c of copies) {
    if (
      native &&
      c.keyword === 'COPY' &&
      c.flags.from === NATIVE_KAFKA.stage &&
      c.args.join(' ') === `${NATIVE_KAFKA.from} ${NATIVE_KAFKA.to}`
    )
      continue;
    if (c.keyword === 'ADD') out.push(`${at(c)}: ADD in a runtime image; COPY the bundle from the build stage`);
    const from = c.flags.from;
    const buildChain = from ? stageChain(stages, from) : [];
    const built = chainInstructions(buildChain).some((x) => x.keyword === 'RUN' && x.args.join(' ').includes(`nx run ${svc.name}:build`));
    if (!from || !built)
      out.push(`${at(c)}: copies from ${from ?? 'the build context'}, not from a stage that runs nx run ${svc.name}:build`);
    const sources = c.args.slice(0, -1);
    const dest = c.args.at(-1);
    if (dest !== '/app/') out.push(`${at(c)}: copies to ${dest}, not /app/`);
    for (const s of sources) {
      const ok = posix.dirname(s).endsWith(`services/${svc.name}/dist`) && BUNDLE_FILES.includes(posix.basename(s));
      if (!ok) out.push(`${at(c)}: copies ${s}; a runtime image holds only services/${svc.name}/dist/{${BUNDLE_FILES.join(',')}}`);
      else copied.add(posix.basename(s));
    }
  }
  for (const f of REQUIRED_BUNDLE_FILES) if (!copied.has(f)) out.push(`does not copy dist/${f}`);
  for (const r of ins.filter((x) => x.keyword === 'RUN' && !(native && NATIVE_LIBS_RUN.test(x.args.join(' ')))))
    out.push(`${at(r)}: RUN in a runtime image (${r.args.join(' ')}); the bundle needs nothing installed`);

  const entrypoint = ins.filter((x) => x.keyword === 'ENTRYPOINT').at(-1);
  if (JSON.stringify(entrypoint?.json ?? []) !== JSON.stringify(ENTRYPOINT)) out.push(`ENTRYPOINT must be ${JSON.stringify(ENTRYPOINT)}`);
  const exposed = ins.filter((x) => x.keyword === 'EXPOSE').flatMap((x) => x.args.map((a) => a.split('/')[0]));
  if (!exposed.includes(String(svc.port))) out.push(`does not EXPOSE ${svc.port}`);

  const labels = Object.assign({}, ...ins.filter((x) => x.keyword === 'LABEL').map((x) => x.properties)) as Record<string, string | null>;
  const args = new Set(chain[0].instructions.filter((x) => x.keyword === 'ARG').flatMap((x) => Object.keys(x.properties)));
  if (!labels['org.opencontainers.image.title']?.includes(svc.name)) out.push(`label org.opencontainers.image.title must name ${svc.name}`);
  for (const [label, arg] of Object.entries(OCI_LABELS)) {
    const value = labels[`org.opencontainers.image.${label}`];
    if (!value?.includes(`\${${arg}}`) || !args.has(arg))
      out.push(`label org.opencontainers.image.${label} must come from build arg ${arg} (ARG ${arg} in the target's stage)`);
  }
  return out;
}

/** Every service has a target built from its bundle alone on node:24-slim, non-root, without HEALTHCHECK. */
export function checkDockerfile(text: string, services: readonly ServiceContract[] = SERVICES): Problem[] {
  const stages = parseDockerfile(text);
  const out = services.flatMap((svc) => checkTarget(stages, svc).map((m) => problem(`Dockerfile, target ${svc.name}`, m)));
  const buildStages = stages.filter((s) =>
    s.instructions.some((i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args.join(' '))),
  );
  if (buildStages.length === 0)
    out.push(problem('Dockerfile', 'no stage runs npm ci or npm install --no-save: the build must install the locked tree'));
  return out;
}

/** The build context leaves out what the build makes itself and what it must not see. */
export function checkDockerignore(text: string): Problem[] {
  const patterns = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const needed = [
    ['node_modules', /^(\*\*\/)?node_modules\/?$/],
    ['dist', /^(\*\*\/)?dist\/?$/],
    ['.git', /^\.git\/?$/],
  ] as const;
  return needed
    .filter(([, re]) => !patterns.some((p) => re.test(p)))
    .map(([name]) => problem('.dockerignore', `must exclude ${name} (and **/${name} where it can be nested)`));
}
