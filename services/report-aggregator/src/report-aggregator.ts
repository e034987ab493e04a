import type { ControlEvent, ControlEventInput, ControlEventOf } from '@mirrorlab/control';
import { buildReport, renderHtml, renderJson, renderMarkdown } from '@mirrorlab/report';
import type { Logger } from '@mirrorlab/service-kit';
import type { AggregatorMetrics } from './aggregator-metrics';
import type { ReportFormat, ReportStore } from './report-store';
import type { Cut, CutoffKind, ScenarioBook, ScenarioPhase } from './scenario-book';

export interface ReportAggregatorOptions {
  book: ScenarioBook;
  store: ReportStore;
  publish: (event: ControlEventInput) => Promise<void>;
  nowMs: () => number;
  /** `source` of the `report.ready` events it publishes. */
  instance: string;
  logger: Logger;
  metrics: AggregatorMetrics;
}

interface Built {
  verdict: ControlEventOf<'report.ready'>['verdict'];
  reasons: string[];
  location: string;
  cutoff: CutoffKind;
  published: boolean;
}

export interface ScenarioListing {
  scenarioId: string;
  phase: ScenarioPhase;
  verdict: Built['verdict'] | null;
  reasons: string[];
  location: string | null;
  /** Events that arrived after the report was cut (not in it). */
  lateEvents: number;
  /** Why building failed, when it did. */
  error: string | null;
}

export type ReportLookup =
  { ok: true; body: Buffer } | { ok: false; reason: 'unknown_scenario' } | { ok: false; reason: 'not_ready'; phase: ScenarioPhase };

/**
 * Follows the control topic (through `onEvent`), builds each scenario's report
 * when the `ScenarioBook` cuts it, writes the three files, and publishes
 * `report.ready` once caught up, unless a `report.ready` with the same verdict
 * is already on the topic (a restart rebuilds the same files and stays quiet).
 */
export class ReportAggregator {
  private caughtUp = false;
  private readonly built = new Map<string, Built>();
  private readonly failed = new Map<string, string>();
  private publishing: Promise<void> = Promise.resolve();

  constructor(private readonly o: ReportAggregatorOptions) {}

  get ready(): boolean {
    return this.caughtUp;
  }

  /** `appendTimeMs`: the broker's append time of the event's record (LogAppendTime), for the clock-skew bounds. */
  async onEvent(event: ControlEvent, appendTimeMs?: number): Promise<void> {
    const cut = this.o.book.apply(event, appendTimeMs);
    if (cut !== undefined) await this.build(cut);
  }

  /** Every event published before the aggregator started has been folded: builds due reports and publishes. */
  async onCaughtUp(): Promise<void> {
    this.caughtUp = true;
    this.o.logger.info('control_topic_caught_up', { scenarios: this.o.book.list().length, reports: this.built.size });
    await this.tick();
  }

  /** Called every second by main: cuts scenarios whose deadline passed, publishes what is pending. */
  async tick(): Promise<void> {
    this.updateGauge();
    if (!this.caughtUp) return;
    for (const cut of this.o.book.due(this.o.nowMs())) await this.build(cut);
    await this.publishPending();
  }

  scenarios(): ScenarioListing[] {
    return this.o.book.list().map((s) => {
      const b = this.built.get(s.scenarioId);
      return {
        scenarioId: s.scenarioId,
        phase: b !== undefined ? 'reported' : s.phase,
        verdict: b?.verdict ?? null,
        reasons: b?.reasons ?? [],
        location: b?.location ?? null,
        lateEvents: this.o.book.lateEvents(s.scenarioId),
        error: this.failed.get(s.scenarioId) ?? null,
      };
    });
  }

  async report(scenarioId: string, format: ReportFormat): Promise<ReportLookup> {
    if (!this.o.book.has(scenarioId)) return { ok: false, reason: 'unknown_scenario' };
    const body = this.built.has(scenarioId) ? await this.o.store.read(scenarioId, format) : undefined;
    if (body === undefined)
      return { ok: false, reason: 'not_ready', phase: this.scenarios().find((s) => s.scenarioId === scenarioId)!.phase };
    return { ok: true, body };
  }

  private async build(cut: Cut): Promise<void> {
    const log = this.o.logger.child({ scenarioId: cut.scenarioId });
    try {
      const report = buildReport(cut.events);
      const location = await this.o.store.write(cut.scenarioId, {
        json: renderJson(report),
        html: renderHtml(report),
        md: renderMarkdown(report),
      });
      this.built.set(cut.scenarioId, { verdict: report.verdict, reasons: report.reasons, location, cutoff: cut.kind, published: false });
      this.o.metrics.built.inc({ verdict: report.verdict });
      log.info('report_built', {
        verdict: report.verdict,
        reasons: report.reasons,
        cutoff: cut.kind,
        events: report.basis.events,
        complete: report.basis.complete,
        incompleteReason: report.basis.incompleteReason,
        location,
      });
    } catch (err) {
      // A bug or a full disk: the report is missing, say so loudly and keep serving the others.
      this.failed.set(cut.scenarioId, (err as Error).message);
      this.o.metrics.buildFailures.inc();
      log.error('report_build_failed', { cutoff: cut.kind, err });
      return;
    }
    if (this.caughtUp) await this.publishPending();
  }

  /** One publishing pass at a time, so a report is never announced twice by this process. */
  private publishPending(): Promise<void> {
    this.publishing = this.publishing.then(async () => {
      for (const [scenarioId, b] of this.built) {
        if (b.published) continue;
        if (this.o.book.wasPublished(scenarioId, b.verdict)) {
          b.published = true;
          continue;
        }
        try {
          await this.o.publish({
            v: 1,
            type: 'report.ready',
            scenarioId,
            atMs: this.o.nowMs(),
            source: this.o.instance,
            verdict: b.verdict,
            reasons: b.reasons,
            location: b.location,
          });
          b.published = true;
          this.o.metrics.published.inc({ verdict: b.verdict });
          this.o.logger.info('report_ready_published', { scenarioId, verdict: b.verdict, location: b.location });
        } catch (err) {
          this.o.logger.warn('report_ready_publish_failed', { scenarioId, err, retry: 'next tick' });
        }
      }
    });
    return this.publishing;
  }

  private updateGauge(): void {
    const counts: Record<ScenarioPhase, number> = { running: 0, stopping: 0, drained: 0, reported: 0 };
    for (const s of this.scenarios()) counts[s.phase]++;
    for (const [phase, n] of Object.entries(counts)) this.o.metrics.scenarios.set({ phase }, n);
  }
}
