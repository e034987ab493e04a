/**
 * @mirrorlab/control: the control topic's one home. Its event schemas and codec, the
 * topic client (`ControlTopic`), and the folds services run over it (`ScenarioLifecycle`,
 * `RunCoordinator`).
 */
export * from './control-events';
export * from './control-codec';
export * from './scenario-lifecycle';
export * from './control-topic';
export * from './run-coordinator';
export * from './validator-reports';
