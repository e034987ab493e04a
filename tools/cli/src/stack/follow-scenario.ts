/**
 * Submits a scenario to the provisioner and follows it to its end with a live
 * progress line: phase, elapsed/total, produced and consumed rates, anomaly
 * counts, active faults.
 */
import path from 'node:path';
import type { ScenarioSpec } from '@mirrorlab/protocol';
import { CliError, EXIT_USAGE } from '../exit-codes';

/** The part of the provisioner's `GET /scenarios/:id` answer the CLI reads. */
export interface ScenarioStatus {
  id: string;
  phase: string;
  progress: number;
  workload?: { elapsedMs: number; totalMs: number | null };
  faults?: { scheduled: number; injected: number; healed: number };
  counts?: {
    produced: { sent: number; acked: number };
    consumed: { records: number } | null;
    /** `pending` and `foreign` are absent from older provisioners. */
    anomalies: {
      lost: number;
      unseen: number;
      pending?: number;
      unexpected: number;
      duplicate: number;
      corrupt: number;
      foreign?: number;
    } | null;
  };
  verdict: Verdict | null;
  reasons: string[];
  reportLocation: string | null;
  error: { code: string; message: string } | null;
}

export type Verdict = 'pass' | 'fail' | 'error' | 'inconclusive';

export interface ScenarioOutcome {
  scenarioId: string;
  verdict: Verdict;
  reasons: string[];
  phase: string;
  reportHtml: string | null;
}

const TERMINAL = new Set(['done', 'failed', 'aborted']);

export function progressLine(s: ScenarioStatus, rates: { produced: number; consumed: number }): string {
  const secs = (ms: number | null | undefined) => (ms == null ? '?' : String(Math.round(ms / 1000)));
  const a = s.counts?.anomalies;
  const active = s.faults ? s.faults.injected - s.faults.healed : 0;
  return [
    `[${s.phase}]`,
    `${secs(s.workload?.elapsedMs)}/${secs(s.workload?.totalMs)} s`,
    `${Math.round(s.progress)}%`,
    `produced ${s.counts?.produced.sent ?? 0} (${rates.produced.toFixed(0)}/s)`,
    `consumed ${s.counts?.consumed?.records ?? 0} (${rates.consumed.toFixed(0)}/s)`,
    a
      ? `lost ${a.lost} unseen ${a.unseen}${a.pending ? ` pending ${a.pending}` : ''} unexpected ${a.unexpected} dup ${a.duplicate} corrupt ${a.corrupt}${a.foreign ? ` foreign ${a.foreign}` : ''}`
      : 'no validator report yet',
    `faults active ${active}/${s.faults?.scheduled ?? 0}`,
  ].join('  ');
}

async function getJson<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as T };
}

export async function followScenario(
  provisionerUrl: string,
  spec: ScenarioSpec,
  opts: { log: (line: string, live: boolean) => void; reportsDir: string; pollMs?: number; progressEveryMs?: number },
): Promise<ScenarioOutcome> {
  const submit = await getJson<{ id?: string; error?: { message: string; details?: { problems?: string[] } } }>(
    `${provisionerUrl}/scenarios`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(spec),
    },
  );
  if (submit.status !== 202 || !submit.body.id) {
    const problems = submit.body.error?.details?.problems?.map((p) => `  ${p}`).join('\n') ?? '';
    throw new CliError(
      `the provisioner refused the scenario (${submit.status}): ${submit.body.error?.message ?? 'no reason given'}\n${problems}`,
      EXIT_USAGE,
    );
  }
  const id = submit.body.id;
  opts.log(`scenario ${id} enqueued`, false);
  let last: { atMs: number; sent: number; consumed: number } | undefined;
  let lastPrinted = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
    const { status, body } = await getJson<ScenarioStatus>(`${provisionerUrl}/scenarios/${encodeURIComponent(id)}`).catch(
      (err: unknown) => {
        throw new CliError(`lost contact with the provisioner at ${provisionerUrl}: ${(err as Error).message}`, EXIT_USAGE);
      },
    );
    if (status !== 200) throw new CliError(`the provisioner does not know scenario ${id} (${status})`, EXIT_USAGE);
    const now = Date.now();
    const sent = body.counts?.produced.sent ?? 0;
    const consumed = body.counts?.consumed?.records ?? 0;
    if (now - lastPrinted >= (opts.progressEveryMs ?? 5000) || TERMINAL.has(body.phase)) {
      // Rates over the time since the previous line: services report every few seconds, so shorter windows read as 0/s.
      const dt = last ? (now - last.atMs) / 1000 : 0;
      const rates = { produced: dt > 0 ? (sent - last!.sent) / dt : 0, consumed: dt > 0 ? (consumed - last!.consumed) / dt : 0 };
      last = { atMs: now, sent, consumed };
      opts.log(progressLine(body, rates), true);
      lastPrinted = now;
    }
    if (!TERMINAL.has(body.phase)) continue;
    const verdict = body.verdict ?? 'error';
    const reasons = body.reasons.length > 0 ? body.reasons : body.error ? [`${body.error.code}: ${body.error.message}`] : [];
    const reportHtml = body.reportLocation ? path.join(opts.reportsDir, id, 'report.html') : null;
    return { scenarioId: id, verdict: body.phase === 'done' ? verdict : 'error', reasons, phase: body.phase, reportHtml };
  }
}
