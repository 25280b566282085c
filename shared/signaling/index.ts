export * from './courseware.ts';
export * from './live.ts';
export * from './protocol.ts';
export * from './page.ts';
