export { syntheticScenario, REALISTIC_FAULTS, type FixtureFault, type FixtureOptions, type InjectedAnomaly } from './scenario-fixture';
export { simulate, mulberry32, type ModelOptions, type ModelRecord } from './replication-model';
