export * from './live.ts';
export * from './protocol.ts';
