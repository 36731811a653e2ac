export * from './common';
export * from './tables';
export * from './wire';
export * from './settings';
