import type { MessageKey } from './zh-CN.ts';

/**
 * Messages the server writes itself (English), matched whole; named groups become
 * the translation's parameters. Add a line here when a server feature adds a message.
 */
export const serverMessagePatterns: readonly { pattern: RegExp; key: MessageKey }[] = [
  // sign-in and sessions
  { pattern: /^Wrong username or password$/, key: 'server.wrongPassword' },
  { pattern: /^Sign in first$/, key: 'server.signInFirst' },
  { pattern: /^Too many sign-in attempts; try again in (?<seconds>\d+) seconds$/, key: 'server.tooManyAttempts' },
  { pattern: /^Missing or wrong CSRF token/, key: 'server.csrf' },
  // the server's own field checks
  { pattern: /^at least 10 characters$/, key: 'server.passwordTooShort' },
  { pattern: /^3–40 letters, digits, "\.", "_" or "-"$/, key: 'server.usernameFormat' },
  { pattern: /^a coordinator manages at least one community$/, key: 'server.coordinatorNeedsCommunity' },
  { pattern: /^a community needs at least one member school$/, key: 'server.communityNeedsMember' },
  { pattern: /^the core school cannot also be a member school$/, key: 'server.coreAlsoMember' },
  { pattern: /^a member school is listed twice$/, key: 'server.memberTwice' },
  { pattern: /^must be after validFrom$/, key: 'server.afterValidFrom' },
  { pattern: /^must be after (?<date>\d{4}-\d{2}-\d{2})$/, key: 'server.afterDate' },
  { pattern: /^ends before it starts$/, key: 'server.endsBeforeStart' },
  { pattern: /^unknown IANA time zone$/, key: 'server.unknownTimeZone' },
  { pattern: /^unknown school$/, key: 'server.unknownSchool' },
  { pattern: /^unknown county$/, key: 'server.unknownCounty' },
  { pattern: /^unknown province$/, key: 'server.unknownProvince' },
  { pattern: /^unknown city of that province$/, key: 'server.unknownCity' },
  { pattern: /^required for a (?<level>county|city|province) auditor$/, key: 'server.auditRegionRequired' },
  { pattern: /^not for a (?<level>county|city|province) auditor$/, key: 'server.auditRegionNotFor' },
  { pattern: /^a comparison needs two or more counties$/, key: 'server.compareNeedsCounties' },
  { pattern: /^unknown community$/, key: 'server.unknownCommunity' },
  { pattern: /^unknown teacher$/, key: 'server.unknownTeacher' },
  { pattern: /^unknown classroom$/, key: 'server.unknownClassroom' },
  { pattern: /^unknown subject (?<code>.+)$/, key: 'server.unknownSubject' },
  { pattern: /^unknown community type (?<code>.+)$/, key: 'server.unknownCommunityType' },
  { pattern: /^not a county of your communities$/, key: 'server.notYourCounty' },
  { pattern: /^you cannot disable your own account$/, key: 'server.cannotDisableSelf' },
  { pattern: /^only a coordinator account has communities, set by an administrator$/, key: 'server.onlyCoordinatorCommunities' },
  { pattern: /^not valid JSON$/, key: 'server.invalidJson' },
  // quota rules and year closing (issue #5)
  { pattern: /^rule (?<id>\S+) appears twice$/, key: 'server.ruleTwice' },
  { pattern: /^like Q-SYNC-LESSONS$/, key: 'server.ruleIdFormat' },
  { pattern: /^default, county:<code>, city:<name> or province:<name>$/, key: 'server.regionFormat' },
  { pattern: /^like 2026-2027$/, key: 'server.yearFormat' },
  { pattern: /^(?<county>.+) (?<year>\d{4}-\d{4}) is already closed$/, key: 'server.yearAlreadyClosed' },
  { pattern: /^It was reopened on (?<at>\S+)$/, key: 'server.alreadyReopened' },
  { pattern: /^Another version of (?<region>\S+) (?<year>\d{4}-\d{4}) was just saved; try again$/, key: 'server.ruleSetRace' },
  { pattern: /^The academic year (?<year>\d{4}-\d{4}) is closed for this county/, key: 'server.yearClosed' },
  // conflicts
  { pattern: /^This school already has a classroom named (?<name>.+)$/, key: 'server.classroomNameTaken' },
  { pattern: /^A school named (?<name>.+) already exists in this county$/, key: 'server.schoolNameTaken' },
  { pattern: /^The username (?<name>.+) is taken$/, key: 'server.usernameTaken' },
  { pattern: /^That teacher already has an account$/, key: 'server.teacherHasAccount' },
  { pattern: /^That classroom already has an account$/, key: 'server.classroomHasAccount' },
  { pattern: /^(?<school>.+) already belongs to community (?<community>.+) from (?<from>\d{4}-\d{2}-\d{2})$/, key: 'server.alreadyMemberOpen' },
  { pattern: /^(?<school>.+) already belongs to community (?<community>.+) (?<from>\d{4}-\d{2}-\d{2}) – (?<to>\d{4}-\d{2}-\d{2})$/, key: 'server.alreadyMemberSpan' },
  { pattern: /^(?<school>.+) already belongs to another community from (?<from>\d{4}-\d{2}-\d{2})$/, key: 'server.alreadyOtherOpen' },
  { pattern: /^(?<school>.+) already belongs to another community (?<from>\d{4}-\d{2}-\d{2}) – (?<to>\d{4}-\d{2}-\d{2})$/, key: 'server.alreadyOtherSpan' },
  { pattern: /^The community already has a core school, (?<school>.+), from (?<from>\d{4}-\d{2}-\d{2})$/, key: 'server.hasCoreOpen' },
  { pattern: /^The community already has a core school, (?<school>.+), (?<from>\d{4}-\d{2}-\d{2}) – (?<to>\d{4}-\d{2}-\d{2})$/, key: 'server.hasCoreSpan' },
  { pattern: /^The membership overlaps another one$/, key: 'server.membershipOverlap' },
  { pattern: /^A community keeps at least one member school; end the membership with a date instead$/, key: 'server.lastMember' },
  { pattern: /^Conflicts with an existing record/, key: 'server.conflictGeneric' },
  { pattern: /^Refers to a record that does not exist or is still in use/, key: 'server.referenceGeneric' },
  // refusals
  { pattern: /^(?:Only an administrator|Only administrators|Coordinators create|Your role may not|You may read)/, key: 'server.forbidden' },
  { pattern: /^(?:Community|School|Classroom|Teacher|Account|Membership|Resource) not found$/, key: 'server.notFound' },
  { pattern: /^Internal error; it has been logged$/, key: 'server.internal' },
  { pattern: /^HTTP 5\d\d$/, key: 'server.internal' },
  // county standards
  { pattern: /^the (?<kind>balance|rotation) standard already has a version effective from (?<from>\d{4}-\d{2}-\d{2})$/, key: 'county.standards.dateTaken' },
  { pattern: /^a county standard is already named (?<id>\S+)$/, key: 'county.standards.idTaken' },
];
