export * from './common';
export * from './limits';
export * from './tables';
export * from './wire';
export * from './settings';
export * from './report';
