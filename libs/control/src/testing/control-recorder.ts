import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger } from '@mirrorlab/service-kit';
import type { ControlEvent, ControlEventInput, ControlEventOf, ControlEventType } from '../control-events';
import { ControlTopic } from '../control-topic';

export interface ControlRecorderOptions {
  /** Bootstrap servers of the cluster holding the control topic, comma-separated. */
  brokers: string;
  topic?: string;
  /** Client id and consumer group prefix. */
  name: string;
  /** How often `waitFor` checks again between events (default 1 s). */
  pollMs?: number;
}

/**
 * A test's or a benchmark's view of the control topic: publishes events as a provisioner
 * would, follows the topic from its start and keeps every event, so callers can wait for
 * and inspect what the services said. `start` resolves once it has caught up.
 */
export class ControlRecorder {
  readonly events: ControlEvent[] = [];
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly kafka: Kafka,
    private readonly control: ControlTopic,
    private readonly pollMs: number,
  ) {}

  static async start(opts: ControlRecorderOptions): Promise<ControlRecorder> {
    const kafka = new Kafka({ clientId: opts.name, brokers: opts.brokers.split(','), logLevel: logLevel.NOTHING });
    const control = new ControlTopic({
      kafka,
      topic: opts.topic ?? 'mirrorlab.control',
      logger: createLogger({ service: opts.name, instance: randomBytes(3).toString('hex'), level: 'error' }),
    });
    const recorder = new ControlRecorder(kafka, control, opts.pollMs ?? 1000);
    let caughtUp!: () => void;
    const ready = new Promise<void>((r) => (caughtUp = r));
    await control.follow(
      (e) => {
        recorder.events.push(e);
        recorder.listeners.forEach((l) => l());
      },
      { groupId: opts.name, onCaughtUp: () => caughtUp() },
    );
    await ready;
    return recorder;
  }

  get topic(): string {
    return this.control.topic;
  }

  publish(event: ControlEventInput): Promise<void> {
    return this.control.publish(event);
  }

  /** Publishes a raw record, bypassing validation (for malformed-event tests). */
  async publishRaw(value: string): Promise<void> {
    const producer = this.kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: this.topic, messages: [{ key: 'garbage', value }] });
    } finally {
      await producer.disconnect();
    }
  }

  of<T extends ControlEventType>(scenarioId: string, type: T): Array<ControlEventOf<T>> {
    return this.events.filter((e): e is ControlEventOf<T> => e.type === type && e.scenarioId === scenarioId);
  }

  /** Resolves with `check`'s value once it is neither undefined nor false (checked on every event and every `pollMs`); rejects if `check` throws. */
  waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const probe = () => {
        let v: T | undefined | false;
        try {
          v = check();
        } catch (err) {
          cleanup();
          reject(err as Error);
          return;
        }
        if (v !== undefined && v !== false) {
          cleanup();
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const tick = setInterval(probe, this.pollMs);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(tick);
        this.listeners.delete(probe);
      };
      this.listeners.add(probe);
      probe();
    });
  }

  close(): Promise<void> {
    return this.control.close();
  }
}
