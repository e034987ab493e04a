export * from './service-process';
export * from './bundle-contract';
export * from './control-recorder';
