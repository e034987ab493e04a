import { DEPLOYMENTS, isKubeError, untilReadyReplicas, type KubeClient, type ReplicatedObject } from '@mirrorlab/kube';
import type { Logger } from '@mirrorlab/service-kit';
import { ScenarioRunError } from '../errors';
import type { WorkloadOrchestrator, WorkloadProcess, WorkloadRequest, WorkloadRole, WorkloadStatus } from './workload-orchestrator';

/** On each Deployment while a scenario holds it: which scenario, and the replicas to give back. */
export const SCENARIO_ANNOTATION = 'mirrorlab.io/scenario';
export const REPLICAS_BEFORE_ANNOTATION = 'mirrorlab.io/replicas-before';

/** The roles with a Deployment; the added read_uncommitted validators and the source audit consumer have none (see `ensure`). */
type DeploymentRole = Exclude<WorkloadRole, 'validator-read-uncommitted' | 'audit'>;

export interface KubernetesWorkloadOptions {
  client: KubeClient;
  namespace: string;
  /** The Deployments; null: that role is scaled elsewhere (the producers in the other region). */
  deployments: Record<DeploymentRole, string | null>;
  /** Bound on the wait until the Deployments have the scenario's ready replicas (WORKLOAD_START_TIMEOUT). */
  startTimeoutMs: number;
  /** Bound on the wait until they are back to what they were (WORKLOAD_STOP_TIMEOUT). */
  stopTimeoutMs: number;
  logger: Logger;
}

interface Member {
  role: DeploymentRole;
  name: string;
  replicas: number;
}

const VARIABLE: Record<DeploymentRole, string> = {
  producer: 'K8S_PRODUCER_DEPLOYMENT',
  validator: 'K8S_VALIDATOR_DEPLOYMENT',
  consumer: 'K8S_CONSUMER_DEPLOYMENT',
};
const REPLICAS: Record<DeploymentRole, (req: WorkloadRequest) => number> = {
  producer: (r) => r.producers,
  validator: (r) => r.validators,
  consumer: (r) => r.consumers ?? 0,
};

/**
 * Runs a scenario's producers and validators as the replicas of their Deployments (deploy/base):
 * `ensure` records on each Deployment the scenario and the replicas it had, scales it through
 * the scale subresource to the scenario's count and waits, with watches, until the Deployment
 * reports that many ready replicas (a pod is ready once it follows the control topic: its
 * /readyz). `release` scales each back to the recorded count and removes the record. The
 * record lives on the Deployment, so a provisioner that restarts releases what another one
 * ensured. One scenario at a time: a scenario that finds another's record takes the
 * Deployment over (keeping the original count to give back).
 */
export class KubernetesWorkload implements WorkloadOrchestrator {
  readonly kind = 'kubernetes';

  constructor(private readonly o: KubernetesWorkloadOptions) {}

  private members(req?: WorkloadRequest): Member[] {
    const out: Member[] = [];
    for (const role of ['validator', 'producer', 'consumer'] as const) {
      const name = this.o.deployments[role];
      // The consumer-groups Deployment is touched only by scenarios that have consumer groups (older deployments lack it).
      if (name !== null && !(role === 'consumer' && req !== undefined && REPLICAS.consumer(req) === 0))
        out.push({ role, name, replicas: req ? REPLICAS[role](req) : 0 });
    }
    return out;
  }

  async ensure(req: WorkloadRequest, signal: AbortSignal): Promise<WorkloadStatus> {
    if (req.sourceAudit) {
      // It would need a Deployment of its own, pointed at the source cluster (deploy/ has none): refuse before scaling anything.
      throw new ScenarioRunError(
        'scenario_invalid',
        'audit.sourceConsumer: the Kubernetes workload cannot run the source audit consumer (no Deployment for it); ' +
          'remove audit.sourceConsumer from the scenario, or run it with the local workload (mirrorlab run)',
      );
    }
    // Refused before anything is scaled: the validator Deployment's pods all read in the scenario's one group.
    if ((req.readUncommittedValidators ?? 0) > 0) {
      throw new ScenarioRunError(
        'scenario_invalid',
        `validators.readUncommitted is ${req.readUncommittedValidators}: the kubernetes orchestrator runs one validator Deployment (${VARIABLE.validator}), all at one isolation; run this scenario with ORCHESTRATOR=local, or drop validators.readUncommitted`,
      );
    }
    const members = this.members(req);
    for (const m of members) {
      signal.throwIfAborted();
      await this.claim(m, req.scenarioId, signal);
      await this.o.client.scale(DEPLOYMENTS, this.o.namespace, m.name, m.replicas, signal).catch((error: unknown) => {
        throw this.failure(m, 'workload_start_failed', error);
      });
      this.o.logger.info('workload_deployment_scaled', {
        scenarioId: req.scenarioId,
        role: m.role,
        deployment: m.name,
        replicas: m.replicas,
      });
    }
    // One wait per Deployment; the first that fails stops the others.
    const stop = new AbortController();
    const waiting = AbortSignal.any([signal, stop.signal]);
    try {
      await Promise.all(
        members.map((m) =>
          untilReadyReplicas(this.o.client, DEPLOYMENTS, this.o.namespace, m.name, m.replicas, {
            timeoutMs: this.o.startTimeoutMs,
            signal: waiting,
          }).catch((error: unknown) => {
            if (signal.aborted) throw signal.reason;
            throw this.failure(m, isKubeError(error, 'timeout') ? 'workload_start_timeout' : 'workload_start_failed', error);
          }),
        ),
      );
    } catch (error) {
      stop.abort(error);
      throw signal.aborted ? signal.reason : error;
    }
    const processes: WorkloadProcess[] = members.filter((m) => m.replicas > 0).map((m) => ({ role: m.role, id: `deployment/${m.name}` }));
    return { kind: this.kind, processes };
  }

  /** Records the scenario and the replicas to give back, unless this scenario did already (a resumed run). */
  private async claim(m: Member, scenarioId: string, signal: AbortSignal): Promise<void> {
    const { client, namespace, logger } = this.o;
    for (let attempt = 1; ; attempt++) {
      let deployment: ReplicatedObject;
      try {
        deployment = await client.get<ReplicatedObject>(DEPLOYMENTS, namespace, m.name, signal);
      } catch (error) {
        throw this.failure(m, 'workload_start_failed', error);
      }
      const annotations = deployment.metadata.annotations ?? {};
      const holder = annotations[SCENARIO_ANNOTATION];
      if (holder === scenarioId) return;
      const before =
        holder !== undefined && annotations[REPLICAS_BEFORE_ANNOTATION] !== undefined
          ? annotations[REPLICAS_BEFORE_ANNOTATION]
          : String(deployment.spec?.replicas ?? 1);
      if (holder !== undefined)
        logger.warn('workload_taken_over', { scenarioId, from: holder, deployment: m.name, replicasBefore: before });
      try {
        // The resourceVersion makes it a compare-and-set: a change since the read is a 409, and the read is redone.
        await client.patch(
          DEPLOYMENTS,
          namespace,
          m.name,
          {
            type: 'merge',
            body: {
              metadata: {
                resourceVersion: deployment.metadata.resourceVersion,
                annotations: { [SCENARIO_ANNOTATION]: scenarioId, [REPLICAS_BEFORE_ANNOTATION]: before },
              },
            },
          },
          { signal },
        );
        return;
      } catch (error) {
        if (isKubeError(error, 'conflict') && attempt < 3) continue;
        throw this.failure(m, 'workload_start_failed', error);
      }
    }
  }

  async release(scenarioId: string): Promise<void> {
    const { client, namespace, logger } = this.o;
    const released: Member[] = [];
    for (const m of this.members()) {
      const deployment = await client.find<ReplicatedObject>(DEPLOYMENTS, namespace, m.name);
      const annotations = deployment?.metadata.annotations ?? {};
      if (annotations[SCENARIO_ANNOTATION] !== scenarioId) continue;
      const before = Number(annotations[REPLICAS_BEFORE_ANNOTATION]);
      const replicas = Number.isInteger(before) && before >= 0 ? before : (deployment?.spec?.replicas ?? 0);
      await client.scale(DEPLOYMENTS, namespace, m.name, replicas);
      await client.patch(DEPLOYMENTS, namespace, m.name, {
        type: 'merge',
        body: { metadata: { annotations: { [SCENARIO_ANNOTATION]: null, [REPLICAS_BEFORE_ANNOTATION]: null } } },
      });
      released.push({ ...m, replicas });
    }
    const settled = await Promise.allSettled(
      released.map((m) => untilReadyReplicas(client, DEPLOYMENTS, namespace, m.name, m.replicas, { timeoutMs: this.o.stopTimeoutMs })),
    );
    settled.forEach((s, i) => {
      if (s.status === 'rejected')
        logger.warn('workload_release_slow', {
          scenarioId,
          deployment: released[i].name,
          replicas: released[i].replicas,
          reason: s.reason instanceof Error ? s.reason.message : String(s.reason),
        });
    });
    if (released.length > 0) logger.info('workload_released', { scenarioId, deployments: released.map((m) => `${m.name}=${m.replicas}`) });
  }

  private failure(m: Member, code: 'workload_start_failed' | 'workload_start_timeout', error: unknown): ScenarioRunError {
    const message = error instanceof Error ? error.message : String(error);
    const hint = isKubeError(error, 'not_found') ? `: deploy it (deploy/base) or set ${VARIABLE[m.role]} and K8S_NAMESPACE` : '';
    return new ScenarioRunError(code, `the ${m.role} Deployment ${this.o.namespace}/${m.name}: ${message}${hint}`, {
      cause: error,
      retriable: isKubeError(error) && error.retriable,
    });
  }
}
