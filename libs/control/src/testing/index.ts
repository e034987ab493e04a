export * from './control-recorder';
export * from './scenario-spec-fixture';
