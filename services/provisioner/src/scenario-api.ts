import { randomBytes } from 'node:crypto';
import express, { Router, type Request } from 'express';
import { parseDocument } from 'yaml';
import { parseScenarioYaml, validateScenario, type ScenarioSpec } from '@mirrorlab/protocol';
import { HttpError, type Logger } from '@mirrorlab/service-kit';
import { liveCounts, type LiveCounts } from './drain-check';
import { isTerminal } from './run-record';
import type { ScenarioJobs } from './scenario-jobs';
import { phaseOf, scenarioStatus, scenarioSummary } from './scenario-status';
import type { ScenarioViews } from '@mirrorlab/control';

export interface ScenarioApiOptions {
  jobs: ScenarioJobs;
  watch: ScenarioViews;
  nowMs: () => number;
  logger: Logger;
  /** `<name>-<6 hex>`; injectable for tests. */
  newId?: (name: string) => string;
}

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];
const ID = /^[A-Za-z0-9._-]{1,220}$/;

export const newScenarioId = (name: string) => `${name.slice(0, 193)}-${randomBytes(3).toString('hex')}`;

function scenarioIdParam(req: Request): string {
  const id = String(req.params.id);
  if (!ID.test(id))
    throw new HttpError(
      400,
      'invalid_id',
      `id: expected a scenario id such as baseline-1a2b3c (letters, digits, ".", "_", "-"), got ${JSON.stringify(id.slice(0, 80))}`,
    );
  return id;
}

const notFound = (id: string) =>
  new HttpError(
    404,
    'scenario_not_found',
    `no scenario ${id}: it was never submitted, or it finished long ago and was removed; GET /scenarios lists the recent ones`,
  );

/** Reads the body as a scenario: JSON (the scenario object) or YAML (the file's text). */
function readScenario(req: Request): { raw: unknown; spec: ScenarioSpec } {
  const type = req.headers['content-type'];
  let result: ReturnType<typeof validateScenario>;
  let raw: unknown;
  if (type && req.is(YAML_TYPES)) {
    if (typeof req.body !== 'string' || req.body.trim() === '')
      throw new HttpError(400, 'body_missing', 'the request has no body: send the scenario file as YAML');
    result = parseScenarioYaml(req.body);
    raw = result.ok ? parseDocument(req.body).toJS() : undefined;
  } else if (type && req.is('application/json')) {
    if (req.body === undefined) throw new HttpError(400, 'body_missing', 'the request has no body: send the scenario as a JSON object');
    raw = req.body;
    result = validateScenario(raw);
  } else {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `Content-Type ${type ? JSON.stringify(type) : '(none)'}: send the scenario as JSON (application/json) or as the YAML file's text (application/yaml or text/yaml)`,
    );
  }
  if (!result.ok) {
    const problems = result.error.problems;
    throw new HttpError(
      400,
      'scenario_invalid',
      `the scenario has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`,
      { problems },
    );
  }
  return { raw, spec: result.spec };
}

/**
 * The scenario API: submit (validated before anything is enqueued), list,
 * status, abort. Any provisioner answers for any scenario: state is in Redis
 * and on the control topic, which every instance follows.
 */
export function scenarioRoutes(o: ScenarioApiOptions): Router {
  const router = Router();
  const countsCache = new Map<string, { version: number; drained: boolean; counts: LiveCounts }>();
  const countsOf = (id: string): LiveCounts => {
    const obs = o.watch.get(id);
    const cached = countsCache.get(id);
    if (cached && obs && cached.version === obs.version && cached.drained === (obs.drained !== undefined)) return cached.counts;
    const counts = liveCounts(obs);
    if (obs) countsCache.set(id, { version: obs.version, drained: obs.drained !== undefined, counts });
    if (countsCache.size > 100) countsCache.delete(countsCache.keys().next().value!);
    return counts;
  };

  router.post('/scenarios', express.text({ type: YAML_TYPES, limit: '1mb' }), async (req, res) => {
    const { raw, spec } = readScenario(req);
    const id = (o.newId ?? newScenarioId)(spec.name);
    await o.jobs.submit({ scenarioId: id, spec: raw as Record<string, unknown>, submittedAtMs: o.nowMs() });
    o.logger.info('scenario_submitted', {
      scenarioId: id,
      name: spec.name,
      durationMs: spec.workload.duration,
      faults: spec.faults.length,
    });
    const statusUrl = `/scenarios/${id}`;
    res.status(202).location(statusUrl).json({ id, statusUrl });
  });

  router.get('/scenarios', async (req, res) => {
    const raw = req.query.limit;
    const limit = raw === undefined ? 50 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new HttpError(400, 'invalid_query', `limit: expected an integer from 1 to 500, got ${JSON.stringify(String(raw))}`);
    }
    const views = await o.jobs.list(limit);
    res.json({ scenarios: views.map(scenarioSummary) });
  });

  router.get('/scenarios/:id', async (req, res) => {
    const id = scenarioIdParam(req);
    const view = await o.jobs.get(id);
    if (!view) throw notFound(id);
    res.json(scenarioStatus(view, o.watch.get(id), countsOf(id), o.nowMs()));
  });

  router.delete('/scenarios/:id', async (req, res) => {
    const id = scenarioIdParam(req);
    const view = await o.jobs.get(id);
    if (!view) throw notFound(id);
    const phase = phaseOf(view);
    if (isTerminal(phase))
      throw new HttpError(409, 'scenario_finished', `scenario ${id} already ended (${phase}); there is nothing to abort`, { phase });
    await o.jobs.requestAbort(id, o.nowMs());
    o.logger.warn('scenario_abort_requested', { scenarioId: id, phase });
    res.status(202).json({ id, phase, abortRequested: true, statusUrl: `/scenarios/${id}` });
  });

  return router;
}
