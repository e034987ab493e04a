/** `mirrorlab validate FILE` and `mirrorlab scenarios`: scenario files, checked before anything starts. */
import path from 'node:path';
import { findRepoRoot } from '@mirrorlab/lab';
import {
  describeExpectations,
  effectiveExpectations,
  expectationContext,
  type RecordEncoding,
  type ScenarioSpec,
} from '@mirrorlab/protocol';
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { CliError } from '../exit-codes';
import { listScenarios, loadScenarioFile } from '../scenario-file';
import type { CommandModule } from './index';

/** What each `workload.encoding` puts on the wire, for the validate output. */
const ENCODING_NOTES: Record<RecordEncoding, string> = {
  headers: 'mirrorlab meta in 8-9 ml-* Kafka headers',
  'value-prefix': 'mirrorlab meta before the payload in the value, for replicators that drop headers',
  'single-header': 'mirrorlab meta in one Kafka header, ml',
  compact: 'mirrorlab meta as binary in one Kafka header, mb: about 40 bytes, the producer id read from the key',
};

/**
 * The effective expectations; with `replicators: [...]` (one run per mode) a line that holds in
 * some modes only (duplicates at 0 in an exactly-once mode) names those modes.
 */
function expectationLines(spec: ScenarioSpec): string[] {
  const modes = spec.replicators ?? [spec.replicator.mode];
  const perMode = modes.map((mode) =>
    describeExpectations(
      effectiveExpectations(spec.expectations, expectationContext({ ...spec, replicator: { ...spec.replicator, mode } })),
    ),
  );
  const lines = [...new Set(perMode.flat())];
  return lines.map((line) => {
    const where = modes.filter((_, i) => perMode[i].includes(line));
    return where.length === modes.length ? line : `${line} (in ${where.join(', ')} only)`;
  });
}

export const scenariosCommand: CommandModule = {
  register(program: Command, ctx: CliContext) {
    program
      .command('validate')
      .argument('<file...>', 'scenario YAML files')
      .description(
        'check scenario files against the schema and print the expectations the verdict will use (defaults included); every problem is listed by path (exit 2 if any file is invalid)',
      )
      .action((files: string[]) => {
        const bad: string[] = [];
        for (const file of files) {
          try {
            const spec = loadScenarioFile(path.resolve(ctx.cwd, file));
            ctx.out(
              `${file}: ok (${spec.name}: ${spec.topics.length} topic(s), ${spec.workload.duration / 1000} s, ${spec.faults.length} fault(s))`,
            );
            ctx.out(`  record encoding: ${spec.workload.encoding} (${ENCODING_NOTES[spec.workload.encoding]})`);
            ctx.out('  expectations (the verdict fails when one is exceeded):');
            for (const line of expectationLines(spec)) ctx.out(`    ${line}`);
          } catch (err) {
            bad.push(file);
            ctx.err((err as Error).message);
          }
        }
        if (bad.length > 0) throw new CliError(`${bad.length} of ${files.length} file(s) invalid`, 2);
      });

    program
      .command('scenarios')
      .option('--dir <path>', 'where scenario files are (default: <repo>/scenarios)')
      .description('list the scenario files with their faults and what each tests')
      .action((opts: { dir?: string }) => {
        const dir = opts.dir ? path.resolve(ctx.cwd, opts.dir) : path.join(findRepoRoot(ctx.cwd) ?? ctx.cwd, 'scenarios');
        for (const s of listScenarios(dir)) {
          const rel = path.relative(ctx.cwd, s.file);
          ctx.out(s.problem ? `${rel}  INVALID: ${s.problem}` : `${rel}  [faults: ${s.faults}]\n    ${s.description}`);
        }
      });
  },
};
