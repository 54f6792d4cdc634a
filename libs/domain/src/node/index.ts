export * from './agent-refusal';
export * from './node-addressing';
export * from './node.commands';
export * from './node.decider';
export * from './node.events';
