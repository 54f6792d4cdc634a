export * from './secret.commands';
export * from './secret.decider';
export * from './secret.events';
