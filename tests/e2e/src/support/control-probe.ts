import { Kafka, logLevel } from 'kafkajs';
import type { ControlEvent, ControlEventInput, ControlEventOf, ControlEventType } from '@mirrorlab/protocol';
import { ControlTopic, createLogger } from '@mirrorlab/service-kit';

/**
 * The test's view of the control topic: publishes events as a provisioner would,
 * and records every event so tests can wait for and inspect them.
 */
export class ControlProbe {
  readonly events: ControlEvent[] = [];
  private readonly control: ControlTopic;
  private readonly listeners = new Set<() => void>();

  private constructor(readonly kafka: Kafka, topic: string) {
    const logger = createLogger({ service: 'e2e', instance: 'probe', level: 'error' });
    this.control = new ControlTopic({ kafka, topic, logger });
  }

  static async start(brokers: string, topic = 'mirrorlab.control'): Promise<ControlProbe> {
    const kafka = new Kafka({ clientId: 'mirrorlab-e2e', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    const probe = new ControlProbe(kafka, topic);
    let caughtUp!: () => void;
    const ready = new Promise<void>((r) => (caughtUp = r));
    await probe.control.follow(
      (e) => {
        probe.events.push(e);
        probe.listeners.forEach((l) => l());
      },
      { groupId: 'mirrorlab-e2e', onCaughtUp: () => caughtUp() },
    );
    await ready;
    return probe;
  }

  publish(event: ControlEventInput): Promise<void> {
    return this.control.publish(event);
  }

  /** Publishes a raw record (for malformed-event tests). */
  async publishRaw(value: string): Promise<void> {
    const producer = this.kafka.producer();
    await producer.connect();
    await producer.send({ topic: this.control.topic, messages: [{ key: 'garbage', value }] });
    await producer.disconnect();
  }

  of<T extends ControlEventType>(scenarioId: string, type: T): Array<ControlEventOf<T>> {
    return this.events.filter((e): e is ControlEventOf<T> => e.type === type && e.scenarioId === scenarioId);
  }

  /** Resolves when `check` returns a value (re-checked on every new event and every second). */
  waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (v: T) => {
        cleanup();
        resolve(v);
      };
      const probe = () => {
        const v = check();
        if (v !== undefined && v !== false) done(v);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const tick = setInterval(probe, 1000);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(tick);
        this.listeners.delete(probe);
      };
      this.listeners.add(probe);
      probe();
    });
  }

  async close(): Promise<void> {
    await this.control.close();
  }
}
