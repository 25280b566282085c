import { foundationApi } from './foundation.ts';

/** Every REST endpoint of tongbu. Feature tables are merged here. */
export const api = {
  ...foundationApi,
} as const;

export type Api = typeof api;
export type EndpointName = keyof Api;
