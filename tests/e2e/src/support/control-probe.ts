import { ControlRecorder } from '@mirrorlab/control/testing';

/** The e2e tests' view of the control topic: the shared ControlRecorder under the tests' name. */
export type ControlProbe = ControlRecorder;

export const ControlProbe = {
  start: (brokers: string, topic = 'mirrorlab.control'): Promise<ControlProbe> =>
    ControlRecorder.start({ brokers, topic, name: 'mirrorlab-e2e' }),
};
