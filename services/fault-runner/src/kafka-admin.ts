import { Kafka, type Admin } from 'kafkajs';
import { kafkaClientConfig, type KafkaConnection, type Logger } from '@mirrorlab/service-kit';
import { FaultRunnerError, errorMessage } from './errors';
import type { ClusterName } from './fault-target';

/** Rejects with `kafka_failed` when `promise` gives no answer within `ms`. */
export function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FaultRunnerError('kafka_failed', `${what} gave no answer within ${Math.round(ms / 1000)} s`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

export type Call = <R>(p: Promise<R>, label: string) => Promise<R>;

/**
 * Short-lived admin clients, one per use: a long-lived kafkajs client can get stuck on a
 * broker a fault killed. Every call through `run` is bounded by `timeoutMs`, and so is
 * connecting and disconnecting.
 */
export class KafkaAdmins {
  constructor(
    private readonly connections: Record<ClusterName, KafkaConnection>,
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  get callTimeoutMs(): number {
    return this.timeoutMs;
  }

  async run<T>(cluster: ClusterName, what: string, fn: (admin: Admin, call: Call) => Promise<T>, brokers?: string[]): Promise<T> {
    const config = kafkaClientConfig(this.connections[cluster], 'mirrorlab-fault-runner', this.logger);
    const kafka = new Kafka({
      ...config,
      ...(brokers !== undefined ? { brokers } : {}),
      connectionTimeout: 5000,
      requestTimeout: Math.min(this.timeoutMs, 30_000),
      retry: { retries: 3, initialRetryTime: 300 },
    });
    const admin = kafka.admin();
    const call: Call = (p, label) => bounded(p, this.timeoutMs, `${label} on the ${cluster} cluster`);
    try {
      await call(admin.connect(), `connecting an admin client (${what})`);
      return await fn(admin, call);
    } catch (error) {
      if (error instanceof FaultRunnerError) throw error;
      throw new FaultRunnerError('kafka_failed', `${what} on the ${cluster} cluster failed: ${errorMessage(error)}`, { cause: error });
    } finally {
      await bounded(admin.disconnect(), 5000, 'disconnecting').catch(() => undefined);
    }
  }

  /**
   * Runs `fn` once per broker of the cluster, each with a client bootstrapped from that
   * broker alone, so its metadata answers are that broker's own view (brokers learn a
   * change from the controller a moment apart).
   */
  async runOnEachBroker<T>(cluster: ClusterName, what: string, fn: (admin: Admin, call: Call, broker: string) => Promise<T>): Promise<T[]> {
    const brokers = await this.run(cluster, `${what}: listing brokers`, async (admin, call) =>
      (await call(admin.describeCluster(), 'DescribeCluster')).brokers.map((b) => `${b.host}:${b.port}`),
    );
    return Promise.all(
      brokers.map((broker) => this.run(cluster, `${what} (${broker})`, (admin, call) => fn(admin, call, broker), [broker])),
    );
  }
}
