export * from './placement.commands';
export * from './placement.decider';
export * from './placement.events';
