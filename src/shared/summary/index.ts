export * from './day-facts';
export * from './summarise';
export * from './report';
export * from './corrections';
export * from './removal';
