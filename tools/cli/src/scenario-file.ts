/** Reading scenario files for the CLI: validation with every problem listed, and time scaling for quick runs. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseScenarioYaml, type ScenarioSpec } from '@mirrorlab/protocol';
import { CliError, EXIT_USAGE } from './exit-codes';

export function loadScenarioFile(file: string): ScenarioSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT_USAGE);
  }
  const r = parseScenarioYaml(text);
  if (!r.ok) throw new CliError(`${file} is not a valid scenario:\n${r.error.problems.map((p) => `  ${p}`).join('\n')}`, EXIT_USAGE);
  return r.spec;
}

/**
 * Multiplies the workload's duration, every fault's start and length and the moment each quiet
 * topic goes quiet by `factor` (for quick runs in tests); expectations, fault params and the
 * drain timeout stay as written.
 */
export function scaleScenario(spec: ScenarioSpec, factor: number): ScenarioSpec {
  if (!(factor > 0)) throw new CliError(`--time-scale must be > 0, got ${factor}`, EXIT_USAGE);
  const scale = (ms: number) => Math.max(1, Math.round(ms * factor));
  const rate = spec.workload.rate;
  return {
    ...spec,
    workload: {
      ...spec.workload,
      duration: scale(spec.workload.duration),
      // A ramp's steps are times too: scaled with the duration, a shorter run still climbs the whole ramp.
      rate: 'ramp' in rate ? { ramp: { ...rate.ramp, every: scale(rate.ramp.every) } } : rate,
    },
    faults: spec.faults.map((f) => ({ ...f, at: scale(f.at), ...(f.duration !== undefined ? { duration: scale(f.duration) } : {}) })),
    // A quiet topic goes quiet at a moment of the measured workload, like a fault starts.
    topics: spec.topics.map((t) =>
      t.quiet === undefined ? t : { ...t, quiet: { ...t.quiet, after: Math.round(t.quiet.after * factor) } },
    ),
  };
}

export interface ScenarioListing {
  file: string;
  name?: string;
  description?: string;
  faults?: string;
  problem?: string;
}

export function listScenarios(dir: string): ScenarioListing[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
  } catch {
    throw new CliError(`no scenarios directory at ${dir}`, EXIT_USAGE);
  }
  return files.map((f) => {
    const file = path.join(dir, f);
    try {
      const spec = loadScenarioFile(file);
      return { file, name: spec.name, description: spec.description, faults: spec.faults.map((x) => x.kind).join(', ') || 'none' };
    } catch (err) {
      return { file, problem: (err as Error).message.split('\n')[0] };
    }
  });
}
