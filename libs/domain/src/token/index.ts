export * from './token.commands';
export * from './token.decider';
export * from './token.events';
