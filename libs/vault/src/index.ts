export * from './key-store';
export * from './vault';
