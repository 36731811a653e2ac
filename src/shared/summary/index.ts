export * from './day-facts';
export * from './summarise';
export * from './report';
