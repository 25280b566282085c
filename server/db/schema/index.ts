// Every table, by domain. Feature folders import the tables they own from here.
export * from './geography.ts';
export * from './schools.ts';
export * from './communities.ts';
export * from './calendar.ts';
export * from './accounts.ts';
export * from './schedule.ts';
export * from './live.ts';
export * from './quotas.ts';
export * from './audit.ts';
export * from './county.ts';
export * from './roster.ts';
export * from './planner.ts';
export * from './classTools.ts';
export * from './courseware.ts';
