export * from './units';
export * from './scenario-spec';
export * from './parse-scenario';
export * from './expectations';
export * from './rate-plan';
export * from './scenario-defaults';
export * from './quiet-topics';
export * from './replicator-checkpoints';
