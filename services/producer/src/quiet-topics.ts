import type { ScenarioSpec } from '@mirrorlab/protocol';

type TopicSpec = ScenarioSpec['topics'][number];

/**
 * Whether a topic takes its turn in the producer's rotation for a record scheduled at
 * `scheduledMs`: every topic does until the measured workload has started (`measuringAtMs`,
 * from scenario.measuring) and a quiet topic's `quiet.after` has passed; then a quiet topic
 * leaves it and the other topics share the workload rate.
 */
export function inRotation(topic: TopicSpec, scheduledMs: number, measuringAtMs: number | undefined): boolean {
  return topic.quiet === undefined || measuringAtMs === undefined || scheduledMs < measuringAtMs + topic.quiet.after;
}

/** The trickle a quiet topic still gets from this producer, records/s: its `quiet.rate`, split over producers like `workload.rate`. */
export function trickleRateFor(workload: ScenarioSpec['workload'], topic: TopicSpec): number {
  if (topic.quiet === undefined) return 0;
  return workload.rateSplit === 'total' ? topic.quiet.rate / workload.producers : topic.quiet.rate;
}
