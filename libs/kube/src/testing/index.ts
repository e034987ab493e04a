export * from './fake-apiserver';
export * from './fake-store';
export * from './kube-lab';
export * from './stand-in-operators';
export * from './request-log';
export * from './pod-cap';
