import type { FaultKind } from '../scenario/scenario-spec';
import { FAULT_CATALOG } from './fault-catalog';
import { isTopicName } from './fault-param-fields';

/**
 * What a fault's `target` names, by form:
 * - `broker`: `source:<n>` / `target:<n>` (broker n, 1-based) or `source:random` / `target:random`;
 * - `cluster`: `source` or `target` (default source);
 * - `replicator`, `inter-dc`: that word, or nothing;
 * - `topic`: a topic name;
 * - `group`: a source consumer group of the scenario (`consumers[].group`).
 */
export const TARGET_FORMS = ['broker', 'cluster', 'replicator', 'inter-dc', 'topic', 'group'] as const;
export type TargetForm = (typeof TARGET_FORMS)[number];

export const TARGET_EXPECTED: Record<TargetForm, string> = {
  broker: 'source:<n>, target:<n> (broker n, 1-based), source:random or target:random',
  cluster: 'source or target (default source)',
  replicator: 'replicator (the default)',
  'inter-dc': 'inter-dc (the default)',
  topic: 'a topic name (letters, digits, ".", "_", "-")',
  group: 'a consumer group of the scenario (consumers[].group)',
};

/** The scenario file's rule for a consumer group's name. */
export const GROUP_TARGET = /^[a-zA-Z0-9._-]{1,200}$/;

export const BROKER_TARGET = /^(source|target):(random|\d+)$/;

/**
 * Does `target` have the form the kind takes? Null when it does, else the message
 * (`kill-broker expects source:<n>, ..., got "source"`). A broker's number is checked
 * against the cluster's size only when the fault is planned: a scenario does not know it.
 */
export function targetSyntaxProblem(kind: FaultKind, target: string | undefined): string | null {
  const text = target?.trim();
  const form = FAULT_CATALOG[kind].target;
  const empty = text === undefined || text === '';
  const fits =
    form === 'broker'
      ? BROKER_TARGET.test(text ?? '')
      : form === 'cluster'
        ? empty || text === 'source' || text === 'target'
        : form === 'topic'
          ? !empty && isTopicName(text)
          : form === 'group'
            ? !empty && GROUP_TARGET.test(text)
            : empty || text === form;
  return fits ? null : `${kind} expects ${TARGET_EXPECTED[form]}, got ${target === undefined ? 'nothing' : JSON.stringify(target)}`;
}
