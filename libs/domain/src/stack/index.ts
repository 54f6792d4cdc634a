export * from './service-order';
export * from './stack.commands';
export * from './stack.decider';
export * from './stack.events';
