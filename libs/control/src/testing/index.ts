export * from './control-recorder';
