import { z } from 'zod';
import { endpoint } from '../http/endpoint.ts';
import { IdParams } from '../schemas/common.ts';
import { Account, AccountCreate, AccountUpdate, Me, MeUpdate, SignIn } from '../schemas/accounts.ts';
import { AcademicYear, AcademicYearInput } from '../schemas/calendar.ts';
import {
  Community,
  CommunityCreate,
  CommunityParams,
  CommunitySummary,
  CommunityType,
  CommunityUpdate,
  Membership,
  MembershipCreate,
  MembershipParams,
  MembershipUpdate,
} from '../schemas/communities.ts';
import { Health } from '../schemas/health.ts';
import { ClusterView } from '../schemas/cluster.ts';
import {
  Classroom,
  ClassroomCreate,
  ClassroomUpdate,
  County,
  CountyCreate,
  School,
  SchoolCreate,
  SchoolListQuery,
  SchoolParams,
  SchoolUpdate,
  Subject,
  SubjectCreate,
  Teacher,
  TeacherCreate,
  TeacherUpdate,
} from '../schemas/places.ts';

/** The foundation's endpoints: sign-in, places, people and communities. */
export const foundationApi = {
  health: endpoint({ method: 'get', path: '/api/health', summary: 'Database and media worker state', tag: 'system', access: 'public', response: Health }),
  clusterNodes: endpoint({ method: 'get', path: '/api/system/nodes', summary: 'The app nodes alive, their load and the live lessons each hosts (admin)', tag: 'system', response: ClusterView }),

  signIn: endpoint({ method: 'post', path: '/api/auth/sign-in', summary: 'Sign in; sets the session cookie', tag: 'auth', access: 'public', body: SignIn, response: Me }),
  signOut: endpoint({ method: 'post', path: '/api/auth/sign-out', summary: 'End the session', tag: 'auth', response: null, status: 204 }),
  me: endpoint({ method: 'get', path: '/api/auth/me', summary: 'The signed-in account', tag: 'auth', response: Me }),
  updateMe: endpoint({ method: 'patch', path: '/api/auth/me', summary: 'Change own preferences', tag: 'auth', body: MeUpdate, response: Me }),

  listCounties: endpoint({ method: 'get', path: '/api/counties', summary: 'Counties the caller may see', tag: 'places', response: z.array(County) }),
  createCounty: endpoint({ method: 'post', path: '/api/counties', summary: 'Add a county (admin)', tag: 'places', body: CountyCreate, response: County, status: 201 }),

  listSubjects: endpoint({ method: 'get', path: '/api/subjects', summary: 'All subjects', tag: 'places', response: z.array(Subject) }),
  createSubject: endpoint({ method: 'post', path: '/api/subjects', summary: 'Add a subject (admin)', tag: 'places', body: SubjectCreate, response: Subject, status: 201 }),

  listSchools: endpoint({ method: 'get', path: '/api/schools', summary: 'Schools the caller may see', tag: 'places', query: SchoolListQuery, response: z.array(School) }),
  createSchool: endpoint({ method: 'post', path: '/api/schools', summary: 'Add a school', tag: 'places', body: SchoolCreate, response: School, status: 201 }),
  getSchool: endpoint({ method: 'get', path: '/api/schools/:id', summary: 'One school', tag: 'places', params: IdParams, response: School }),
  updateSchool: endpoint({ method: 'patch', path: '/api/schools/:id', summary: 'Change a school', tag: 'places', params: IdParams, body: SchoolUpdate, response: School }),

  listClassrooms: endpoint({ method: 'get', path: '/api/schools/:schoolId/classrooms', summary: 'Classrooms of a school', tag: 'places', params: SchoolParams, response: z.array(Classroom) }),
  createClassroom: endpoint({ method: 'post', path: '/api/schools/:schoolId/classrooms', summary: 'Add a classroom', tag: 'places', params: SchoolParams, body: ClassroomCreate, response: Classroom, status: 201 }),
  updateClassroom: endpoint({ method: 'patch', path: '/api/classrooms/:id', summary: 'Change a classroom', tag: 'places', params: IdParams, body: ClassroomUpdate, response: Classroom }),

  listTeachers: endpoint({ method: 'get', path: '/api/schools/:schoolId/teachers', summary: 'Teachers of a school', tag: 'places', params: SchoolParams, response: z.array(Teacher) }),
  createTeacher: endpoint({ method: 'post', path: '/api/schools/:schoolId/teachers', summary: 'Add a teacher', tag: 'places', params: SchoolParams, body: TeacherCreate, response: Teacher, status: 201 }),
  updateTeacher: endpoint({ method: 'patch', path: '/api/teachers/:id', summary: 'Change a teacher', tag: 'places', params: IdParams, body: TeacherUpdate, response: Teacher }),

  listCommunityTypes: endpoint({ method: 'get', path: '/api/community-types', summary: 'Community types (data, not code)', tag: 'communities', response: z.array(CommunityType) }),
  listCommunities: endpoint({ method: 'get', path: '/api/communities', summary: 'Communities the caller may see', tag: 'communities', response: z.array(CommunitySummary) }),
  createCommunity: endpoint({ method: 'post', path: '/api/communities', summary: 'Found a community (admin)', tag: 'communities', body: CommunityCreate, response: Community, status: 201 }),
  getCommunity: endpoint({ method: 'get', path: '/api/communities/:communityId', summary: 'One community with its memberships', tag: 'communities', params: CommunityParams, response: Community }),
  updateCommunity: endpoint({ method: 'patch', path: '/api/communities/:communityId', summary: 'Rename or retype a community', tag: 'communities', params: CommunityParams, body: CommunityUpdate, response: Community }),
  addMembership: endpoint({ method: 'post', path: '/api/communities/:communityId/memberships', summary: 'A school joins the community', tag: 'communities', params: CommunityParams, body: MembershipCreate, response: Membership, status: 201 }),
  updateMembership: endpoint({ method: 'patch', path: '/api/communities/:communityId/memberships/:membershipId', summary: 'A school leaves (end date)', tag: 'communities', params: MembershipParams, body: MembershipUpdate, response: Membership }),
  deleteMembership: endpoint({ method: 'delete', path: '/api/communities/:communityId/memberships/:membershipId', summary: 'Remove a membership entered by mistake', tag: 'communities', params: MembershipParams, response: null, status: 204 }),

  listAcademicYears: endpoint({ method: 'get', path: '/api/academic-years', summary: 'Academic years with terms and holidays', tag: 'calendar', response: z.array(AcademicYear) }),
  createAcademicYear: endpoint({ method: 'post', path: '/api/academic-years', summary: 'Add an academic year (admin)', tag: 'calendar', body: AcademicYearInput, response: AcademicYear, status: 201 }),
  replaceAcademicYear: endpoint({ method: 'put', path: '/api/academic-years/:id', summary: 'Replace a year\'s dates, terms and holidays (admin)', tag: 'calendar', params: IdParams, body: AcademicYearInput, response: AcademicYear }),

  listAccounts: endpoint({ method: 'get', path: '/api/accounts', summary: 'Accounts the caller manages', tag: 'accounts', response: z.array(Account) }),
  createAccount: endpoint({ method: 'post', path: '/api/accounts', summary: 'Create an account', tag: 'accounts', body: AccountCreate, response: Account, status: 201 }),
  updateAccount: endpoint({ method: 'patch', path: '/api/accounts/:id', summary: 'Change an account', tag: 'accounts', params: IdParams, body: AccountUpdate, response: Account }),
} as const;

