import { faultJobSchema, type FaultJob } from '@mirrorlab/protocol';
import { FaultRunnerError } from './errors';

/**
 * Validates a job's data against the fault job schema; throws `job_invalid` naming the
 * first bad field (`kind`, `params.probability`) and what it expects.
 */
export function parseFaultJob(data: unknown): FaultJob {
  const parsed = faultJobSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.map(String).join('.') || '(job)';
  const got = issue.path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    data,
  );
  throw new FaultRunnerError('job_invalid', `${field}: ${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`, {
    field,
  });
}
