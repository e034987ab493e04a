import { randomBytes } from 'node:crypto';
import { ConfigResourceTypes, type Admin, type Consumer, type Kafka, type Producer } from 'kafkajs';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '@mirrorlab/service-kit';
import { decodeControlEvent, encodeControlEvent } from './control-codec';
import type { ControlEvent, ControlEventInput } from './control-events';

type InvalidReason = Extract<ReturnType<typeof decodeControlEvent>, { ok: false }>['reason'];
/** Every reason a control record is skipped (a Record, so a new reason must be added here). */
const INVALID_REASONS = Object.keys({ not_json: true, unknown_type: true, unsupported_version: true, invalid: true } satisfies Record<
  InvalidReason,
  true
>);

export interface ControlTopicOptions {
  kafka: Kafka;
  topic: string;
  logger: Logger;
  /** Where `mirrorlab_control_events_invalid_total{reason}` is registered. */
  registry?: Registry;
  /** The clock read delays are measured on (default: Date.now). */
  nowMs?: () => number;
}

export interface FollowOptions {
  /**
   * Prefix of the consumer group: each `follow` joins a group of its own (prefix plus a
   * random suffix) and commits nothing, so every instance reads every event from the
   * beginning, also after a restart under the same name.
   */
  groupId: string;
  /** Called once every event published before `follow` started has been handled. */
  onCaughtUp?: () => void | Promise<void>;
}

export interface ControlPosition {
  partition: number;
  offset: string;
  /** The broker's append time of the record (ms), when the topic stamps LogAppendTime: a clock shared by every service. */
  appendTimeMs?: number;
}

export type ControlEventHandler = (event: ControlEvent, position: ControlPosition) => void | Promise<void>;

/** The control topic's records carry the broker's append time: one reference clock for every service (clock-skew bounds). */
const APPEND_TIME = { name: 'message.timestamp.type', value: 'LogAppendTime' };

/**
 * The control topic: how services coordinate. Publishes validated events keyed by
 * scenario id; follows the topic from the beginning so an instance that starts late
 * (a producer scaled out mid-run, a restarted validator) rebuilds the same view as
 * the others before it acts, and says when it has caught up.
 */
export class ControlTopic {
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;
  private readonly invalid: Counter<'reason'> | undefined;
  /** Smallest `now - append time` of a record read (ms); Infinity until one is read on a LogAppendTime topic. */
  private minReadDelayMs = Number.POSITIVE_INFINITY;

  constructor(private readonly options: ControlTopicOptions) {
    this.invalid = options.registry
      ? new Counter({
          name: 'mirrorlab_control_events_invalid_total',
          help: 'Control-topic records skipped as invalid, by reason',
          labelNames: ['reason'],
          registers: [options.registry],
        })
      : undefined;
    // At zero from the start, so a first invalid record shows as an increase and a clean run plots 0, not no data.
    for (const reason of INVALID_REASONS) this.invalid?.inc({ reason }, 0);
  }

  get topic(): string {
    return this.options.topic;
  }

  /** Creates the topic if it is missing (not compacted: it is an event log). */
  async ensureExists(admin: Admin, partitions = 1): Promise<void> {
    const existing = await admin.listTopics();
    if (existing.includes(this.options.topic)) return;
    const brokers = (await admin.describeCluster()).brokers.length;
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: this.options.topic,
            numPartitions: partitions,
            replicationFactor: Math.min(3, brokers),
            configEntries: [{ name: 'cleanup.policy', value: 'delete' }, APPEND_TIME],
          },
        ],
      })
      .catch((err: { type?: string }) => {
        if (err.type !== 'TOPIC_ALREADY_EXISTS') throw err;
      });
  }

  async publish(event: ControlEventInput): Promise<void> {
    const stamped = Number.isFinite(this.minReadDelayMs) ? { ...event, controlReadDelayMs: this.minReadDelayMs } : event;
    const record = encodeControlEvent(stamped);
    this.producer ??= await this.connectProducer();
    await this.producer.send({ topic: this.options.topic, acks: -1, messages: [record] });
  }

  async follow(handler: ControlEventHandler, opts: FollowOptions): Promise<void> {
    const { kafka, topic, logger } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    const [ends, appendTime] = await this.ensureExists(admin)
      .then(() => Promise.all([admin.fetchTopicOffsets(topic), stampsAppendTime(admin, topic)]))
      .finally(() => admin.disconnect());
    if (!appendTime) logger.info('control_topic_create_time', { topic, detail: 'no LogAppendTime: clock skew is not estimated' });
    const nowMs = this.options.nowMs ?? (() => Date.now());
    // Partitions still to reach their end offset (as it was when we started following).
    const pending = new Map(ends.filter((p) => p.high !== p.low && p.high !== '0').map((p) => [p.partition, BigInt(p.high)]));
    let caughtUp = false;
    const checkCaughtUp = async () => {
      if (!caughtUp && pending.size === 0) {
        caughtUp = true;
        await opts.onCaughtUp?.();
      }
    };

    const groupId = `${opts.groupId}-${randomBytes(4).toString('hex')}`;
    const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, allowAutoTopicCreation: false });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const decoded = decodeControlEvent(message.value);
        const appendTimeMs = appendTime ? Number(message.timestamp) : Number.NaN;
        if (Number.isFinite(appendTimeMs)) this.minReadDelayMs = Math.min(this.minReadDelayMs, nowMs() - appendTimeMs);
        if (decoded.ok) {
          await handler(decoded.event, { partition, offset: message.offset, ...(Number.isFinite(appendTimeMs) ? { appendTimeMs } : {}) });
        } else {
          logger.warn('control_event_skipped', {
            topic,
            partition,
            offset: message.offset,
            reason: decoded.reason,
            problems: decoded.problems.slice(0, 5),
          });
          this.invalid?.inc({ reason: decoded.reason });
        }
        const end = pending.get(partition);
        if (end !== undefined && BigInt(message.offset) + 1n >= end) {
          pending.delete(partition);
          await checkCaughtUp();
        }
      },
    });
    await checkCaughtUp();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.consumer?.disconnect(), this.producer?.disconnect()]);
  }

  private async connectProducer(): Promise<Producer> {
    const producer = this.options.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return producer;
  }
}

/** Does the topic stamp records with the broker's append time? A failed look says no (no estimate, never a wrong one). */
async function stampsAppendTime(admin: Admin, topic: string): Promise<boolean> {
  try {
    const res = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [APPEND_TIME.name] }],
    });
    return (res.resources[0]?.configEntries ?? []).some((e) => e.configName === APPEND_TIME.name && e.configValue === APPEND_TIME.value);
  } catch {
    return false;
  }
}
