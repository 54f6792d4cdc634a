export * from './deploy.events';
