import { endpoint, file } from '../http/endpoint.ts';
import { AccountActivation, RosterCountyParams, RosterCredentialsRequest, RosterImportParams, RosterImportRequest, RosterResult, RosterTemplateQuery } from '../schemas/roster.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The county roster: schools, classrooms, teachers and accounts imported from one file. */
export const rosterApi = {
  rosterTemplate: endpoint({ method: 'get', path: '/api/roster-import/template', summary: 'The roster template: XLSX with four sheets, or one sheet as CSV', tag: 'roster', query: RosterTemplateQuery, response: file(XLSX, 'text/csv') }),
  importRoster: endpoint({
    method: 'post', path: '/api/counties/:countyId/roster-import', summary: 'Import a county roster (dry run: errors and planned changes; then all or nothing)', tag: 'roster', params: RosterCountyParams,
    body: RosterImportRequest, upload: { field: 'file', maxBytes: 10 * 1024 * 1024, contentTypes: [XLSX, 'text/csv', 'application/vnd.ms-excel', 'application/octet-stream'] }, response: RosterResult,
  }),
  rosterCredentials: endpoint({
    method: 'post', path: '/api/roster-imports/:importId/credentials', summary: 'The new accounts\' one-time sign-in codes as a printable sheet per school (once)', tag: 'roster', params: RosterImportParams,
    body: RosterCredentialsRequest, response: file('text/html', XLSX),
  }),
  activateAccount: endpoint({ method: 'post', path: '/api/auth/activate', summary: 'Choose the first password of a new account with its one-time sign-in code', tag: 'auth', access: 'public', body: AccountActivation, response: null, status: 204 }),
} as const;
