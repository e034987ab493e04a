export * from './http-transport';
export * from './kube-client';
export * from './kube-connection';
export * from './kube-errors';
export * from './label-selector';
export * from './objects';
export * from './resource-types';
export * from './watch-waits';
