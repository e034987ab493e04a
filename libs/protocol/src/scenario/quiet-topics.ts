import { z } from 'zod';
import { durationMs } from './units';

/**
 * A quiet topic (the failover drill's quiet-topic case, issue 13): it takes its turn in the
 * workload like any topic until `after` into the measured workload (counted like fault times),
 * then leaves the rotation (the other topics get the whole `workload.rate`) and gets only `rate`
 * records/s of its own (all producers together, split like `workload.rate`; 0: none at all).
 * MirrorMaker 2 emits offset syncs about every `offset.lag.max` records, so the tail a quiet topic
 * ends on may never get one: its consumer groups' translations go stale (KAFKA-15906).
 */
export const quietTopicSchema = z.strictObject({
  /** When the topic goes quiet, from the start of the measured workload; `0s`: quiet from the start (only warm-up records). */
  after: durationMs.default(0),
  /** Records/s the topic still gets once quiet (a trickle); 0: none. */
  rate: z
    .number({ error: 'expected records per second (0: none)' })
    .nonnegative({ error: 'expected records per second >= 0 (0: none)' })
    .default(0),
});
export type QuietTopicSpec = z.output<typeof quietTopicSchema>;

export interface QuietTopicIssue {
  path: Array<string | number>;
  message: string;
}

/** What a scenario's quiet topics must satisfy beyond their own fields. */
export function quietTopicIssues(spec: {
  topics: ReadonlyArray<{ quiet?: QuietTopicSpec }>;
  workload: { duration: number; transactions?: unknown };
}): QuietTopicIssue[] {
  const issues: QuietTopicIssue[] = [];
  const quiet = spec.topics.map((t, i) => ({ q: t.quiet, i })).filter((x): x is { q: QuietTopicSpec; i: number } => x.q !== undefined);
  if (quiet.length > 0 && quiet.length === spec.topics.length) {
    issues.push({
      path: ['topics', quiet[0].i, 'quiet'],
      message: 'every topic is quiet: at least one topic must take the workload rate (leave quiet off it)',
    });
  }
  for (const { q, i } of quiet) {
    if (q.after >= spec.workload.duration)
      issues.push({
        path: ['topics', i, 'quiet', 'after'],
        message: `the topic would go quiet only after the workload ends (workload.duration is ${spec.workload.duration / 1000}s)`,
      });
    if (q.rate > 0 && spec.workload.transactions !== undefined)
      issues.push({
        path: ['topics', i, 'quiet', 'rate'],
        message: 'a quiet topic cannot trickle records with workload.transactions (use rate 0)',
      });
  }
  return issues;
}
