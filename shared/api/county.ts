import { z } from 'zod';
import { endpoint, file } from '../http/endpoint.ts';
import { CountyStandard, CountyReportFileQuery, CountyReportQuery, CountyReports, SchoolResources, SchoolResourcesInput, SchoolResourcesParams, TeacherRotation, TeacherRotationCreate } from '../schemas/county.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The county's own rules: coverage, balance (差异系数), teacher rotation. */
export const countyApi = {
  countyReports: endpoint({ method: 'get', path: '/api/county/reports', summary: 'Coverage, balance (coefficient of variation) and teacher rotation of the counties the caller may see, for an academic year', tag: 'county', query: CountyReportQuery, response: CountyReports }),
  countyReportFile: endpoint({ method: 'get', path: '/api/county/report', summary: 'The county report: XLSX, CSV (one sheet per file) or printable HTML', tag: 'county', query: CountyReportFileQuery, response: file(XLSX, 'text/csv', 'text/html') }),
  getSchoolResources: endpoint({ method: 'get', path: '/api/county/schools/:schoolId/resources/:academicYear', summary: 'A school\'s resource figures for a year as entered (null = not entered; admins and the county\'s auditors)', tag: 'county', params: SchoolResourcesParams, response: SchoolResources }),
  putSchoolResources: endpoint({ method: 'put', path: '/api/county/schools/:schoolId/resources/:academicYear', summary: 'A school\'s resource figures for a year (balance assessment; admin)', tag: 'county', params: SchoolResourcesParams, body: SchoolResourcesInput, response: SchoolResources }),
  listCountyStandards: endpoint({ method: 'get', path: '/api/county/standards', summary: 'Every version of the county standards (balance standard values and thresholds, rotation thresholds), each with its ID and the date it takes effect', tag: 'county', response: z.array(CountyStandard) }),
  addCountyStandard: endpoint({ method: 'post', path: '/api/county/standards', summary: 'A new version of a county standard, effective from a date (admin)', tag: 'county', body: CountyStandard, response: CountyStandard, status: 201 }),
  createTeacherRotation: endpoint({ method: 'post', path: '/api/county/rotations', summary: 'Record a teacher serving at another school of the county (admin)', tag: 'county', body: TeacherRotationCreate, response: TeacherRotation, status: 201 }),
} as const;
