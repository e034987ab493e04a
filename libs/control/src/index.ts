/**
 * @mirrorlab/control: the control topic's one home. Its event schemas and codec, the
 * topic client (`ControlTopic`), the one fold of a scenario's events every service and the
 * report read (`ScenarioView`, one per scenario in `ScenarioViews`), and `RunCoordinator`.
 */
export * from './control-events';
export * from './control-codec';
export * from './scenario-view';
export * from './scenario-views';
export * from './producer-track';
export * from './control-topic';
export * from './run-coordinator';
export * from './validator-reports';
export * from './clock-bounds';
export * from './validator-fold';
