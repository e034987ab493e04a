export * from './jobs';
export * from './job-failure';
