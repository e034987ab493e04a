export * from './service-process';
export * from './bundle-contract';
