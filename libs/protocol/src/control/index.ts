export * from './control-events';
export * from './control-codec';
export * from './schema-error';
export * from './scenario-lifecycle';
