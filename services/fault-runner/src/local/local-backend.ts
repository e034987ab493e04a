import { findLab, type LabState } from '@mirrorlab/lab';
import type { Logger } from '@mirrorlab/service-kit';
import type { AdminFaultOptions } from '../admin-faults';
import { errorMessage } from '../errors';
import type { FaultBackend, HealContext, HealResult, Injection, Verification } from '../fault-backend';
import { handlerFor, type FamilyTable } from '../fault-families';
import type { FaultRequest } from '../fault-request';
import type { ClusterSizes } from '../fault-target';
import type { KafkaAdmins } from '../kafka-admin';
import { localFamilies } from './local-families';
import type { LocalContext } from './process-faults';

export interface LocalBackendOptions {
  labDir: string;
  admins: KafkaAdmins;
  /** Bound on every wait for a heal (and for an injection's effect). */
  healTimeoutMs: number;
  /** Bound on a verification that changes nothing (a no-op heal). */
  verifyTimeoutMs?: number;
  logger: Logger;
}

/** MM2 never replicates these whatever its `topics` regex says (its default `topics.exclude`). */
const MM2_EXCLUDED = [/.*[-.]internal$/, /.*\.replica$/, /^__.*/];

/** Why MM2 would not replicate a new topic of this name, or null. */
export function mm2TopicRefusal(lab: Pick<LabState, 'mm2'>, topic: string): string | null {
  let include: RegExp;
  try {
    include = new RegExp(`^(?:${lab.mm2.topics})$`);
  } catch {
    return null;
  }
  if (!include.test(topic))
    return `${topic} does not match MirrorMaker 2's topics pattern /${lab.mm2.topics}/, so it would never be replicated`;
  if (MM2_EXCLUDED.some((re) => re.test(topic)))
    return `${topic} is excluded by MirrorMaker 2's default topics.exclude (internal topics), so it would never be replicated`;
  return null;
}

/**
 * Faults on the local lab (libs/lab), dispatched by the fault's family (local-families.ts):
 * signals to its processes, processes added to and removed from it, iptables and tc rules
 * in its namespaces, and Kafka admin calls.
 * lab.json is re-read for every operation: pids change with every restart.
 */
export class LocalFaultBackend implements FaultBackend {
  readonly name = 'local';
  private readonly ctx: LocalContext;
  private readonly families: FamilyTable;

  constructor(private readonly opts: LocalBackendOptions) {
    const log = opts.logger.child({ component: 'lab' });
    this.ctx = {
      labDir: opts.labDir,
      admins: opts.admins,
      healTimeoutMs: opts.healTimeoutMs,
      log: (line) => log.debug('lab_progress', { line }),
    };
    const admin: AdminFaultOptions = {
      admins: opts.admins,
      settleTimeoutMs: opts.healTimeoutMs,
      topicRefusal: (topic) => mm2TopicRefusal(findLab(opts.labDir), topic),
    };
    this.families = localFamilies(this.ctx, admin, opts.verifyTimeoutMs ?? 30_000);
  }

  async clusterSizes(): Promise<ClusterSizes> {
    const lab = findLab(this.opts.labDir);
    const planned = (cluster: string) =>
      lab.processes.filter((p) => p.role === 'broker' && p.cluster === cluster && p.addedBy === undefined).length;
    return { source: planned('source'), target: planned('target') };
  }

  async inject(fault: FaultRequest): Promise<Injection> {
    return handlerFor(this.families, fault).inject(fault);
  }

  async verifyInjected(fault: FaultRequest): Promise<Verification> {
    try {
      return await handlerFor(this.families, fault).verifyInjected(fault, undefined);
    } catch (error) {
      return { ok: false, detail: errorMessage(error) };
    }
  }

  async heal(fault: FaultRequest, ctx: HealContext): Promise<HealResult> {
    let actions: string[];
    let verification: Verification;
    try {
      ({ actions, verification } = await handlerFor(this.families, fault).undo(fault, ctx));
    } catch (error) {
      return { verified: false, detail: `the heal failed: ${errorMessage(error).split('\n')[0]}`, atMs: Date.now() };
    }
    return { verified: verification.ok, detail: `${actions.join('; ')}; ${verification.detail}`, atMs: Date.now() };
  }

  async verifyHealed(fault: FaultRequest, ctx: HealContext): Promise<Verification> {
    try {
      return await handlerFor(this.families, fault).verifyHealed(fault, ctx);
    } catch (error) {
      return { ok: false, detail: errorMessage(error) };
    }
  }

  async close(): Promise<void> {}
}
