import { useState, type FormEvent } from 'react';
import type { Account, AccountCreate, AuditLevel, Role } from '../../../shared/schemas/accounts.ts';
import { api, call } from '../app/api.ts';
import { useCounties } from '../app/reference.ts';
import { useMe } from '../app/session.ts';
import { useCommunityList } from '../communities/store.ts';
import { useT } from '../i18n/index.ts';
import { Alert, Badge, Button, Checkbox, CheckboxGroup, Drawer, Field, FieldRow, FormErrors, Select, TextInput, toast, useApiForm } from '../ui/index.ts';
import type { Directory } from './directory.ts';

interface Props {
  /** Absent: a new account. */
  account?: Account | undefined;
  /** Roles the user may create. */
  roles: readonly Role[];
  directory: Directory | undefined;
  /** To mark teachers and classrooms that already have an account. */
  accounts: readonly Account[];
  onClose(): void;
  onSaved(account: Account): void;
}

const fieldNames = ['role', 'username', 'displayName', 'password', 'auditLevel', 'countyId', 'auditCity', 'auditProvince', 'communityIds', 'teacherId', 'classroomId', 'disabled', 'locale'];

export function AccountDrawer({ account, roles, directory, accounts, onClose, onSaved }: Props) {
  const t = useT();
  const me = useMe();
  const counties = useCounties();
  const { list: communities } = useCommunityList();
  const form = useApiForm(fieldNames);
  const [role, setRole] = useState<Role>(account?.role ?? roles[0] ?? 'teacher');
  const [username, setUsername] = useState(account?.username ?? '');
  const [displayName, setDisplayName] = useState(account?.displayName ?? '');
  const [password, setPassword] = useState('');
  const [countyId, setCountyId] = useState(account?.countyId ?? (counties?.length === 1 ? counties[0]!.id : ''));
  // An auditor's region (C-AUDIT-REGION): a county, a city (as "province/city") or a province.
  const [auditLevel, setAuditLevel] = useState<AuditLevel>('county');
  const [region, setRegion] = useState('');
  const cities = [...new Map((counties ?? []).map((c) => [`${c.province}/${c.city}`, `${c.province} ${c.city}`])).entries()];
  const provinces = [...new Set((counties ?? []).map((c) => c.province))];
  const [communityIds, setCommunityIds] = useState<string[]>(account?.communityIds ?? []);
  const [schoolId, setSchoolId] = useState('');
  const [teacherId, setTeacherId] = useState(account?.teacherId ?? '');
  const [classroomId, setClassroomId] = useState(account?.classroomId ?? '');
  const [disabled, setDisabled] = useState(account?.disabled ?? false);

  const change = <T,>(setter: (v: T) => void, field: string) => (v: T) => {
    setter(v);
    form.clear(field);
  };

  const taken = new Set(accounts.flatMap((a) => [a.teacherId, a.classroomId]).filter((x): x is string => Boolean(x)));
  // Coordinators see their communities' schools and unaffiliated ones; accounts are for their own.
  const schools = (directory?.schools ?? []).filter((s) => me.account.role === 'admin' || (s.currentCommunity && me.account.communityIds.includes(s.currentCommunity.id)));

  function pickTeacher(id: string) {
    setTeacherId(id);
    form.clear('teacherId');
    const x = directory?.teachers.get(id);
    if (x && !displayName.trim()) setDisplayName(x.name);
  }

  function pickClassroom(id: string) {
    setClassroomId(id);
    form.clear('classroomId');
    const x = directory?.classrooms.get(id);
    if (x && !displayName.trim()) setDisplayName(`${x.schoolName.replace(/^.+?县/, '')} ${x.name}`);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = account
      ? await form.submit(() =>
          call(api.updateAccount, {
            params: { id: account.id },
            body: {
              displayName,
              disabled,
              ...(password ? { password } : {}),
              ...(account.role === 'coordinator' && me.account.role === 'admin' ? { communityIds } : {}),
            },
          }),
        )
      : await form.submit(() => {
          const base = { username, displayName, password };
          const body: AccountCreate =
            role === 'auditor'
              ? auditLevel === 'county'
                ? { role, ...base, auditLevel, countyId }
                : auditLevel === 'city'
                  ? { role, ...base, auditLevel, auditProvince: region.split('/')[0] ?? '', auditCity: region.split('/')[1] ?? '' }
                  : { role, ...base, auditLevel, auditProvince: region }
              : role === 'coordinator'
                ? { role, ...base, communityIds }
                : role === 'teacher'
                  ? { role, ...base, teacherId }
                  : role === 'classroom'
                    ? { role, ...base, classroomId }
                    : { role, ...base };
          return call(api.createAccount, { body });
        });
    if (res?.ok) {
      toast.success(account ? t('common.saved') : t('account.createdToast', { name: res.data.username }));
      onSaved(res.data);
      onClose();
    }
  }

  const communityField = (
    <Field label={t('account.communities')} name="communityIds" required error={form.of('communityIds')} hint={t('account.communitiesHint')}>
      <CheckboxGroup
        value={communityIds}
        onChange={change(setCommunityIds, 'communityIds')}
        options={(communities ?? []).map((c) => ({ value: c.id, label: c.name }))}
        testId="account-communities"
      />
    </Field>
  );

  return (
    <Drawer
      open
      onClose={onClose}
      title={account ? t('account.editTitle') : t('account.create')}
      subtitle={account ? `${account.displayName} · ${account.username}` : undefined}
      testId="account-drawer"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" form="account-form" variant="primary" loading={form.submitting} data-testid="save">
            {account ? t('common.save') : t('common.create')}
          </Button>
        </>
      }
    >
      <form id="account-form" className="form" onSubmit={submit} noValidate autoComplete="off">
        <FormErrors form={form} />
        {account ? (
          <p className="form-note">
            {t('account.role')}: <Badge tone="blue">{t(`role.${account.role}`)}</Badge>
          </p>
        ) : (
          <Field label={t('account.role')} name="role" required error={form.of('role')}>
            <Select value={role} onChange={(v) => (setRole(v as Role), form.clear())} options={roles.map((r) => ({ value: r, label: t(`role.${r}`) }))} data-testid="account-role" />
          </Field>
        )}

        {!account && role === 'auditor' && (
          <FieldRow>
            <Field label={t('account.auditLevel')} name="auditLevel" required error={form.of('auditLevel')}>
              <Select
                value={auditLevel}
                onChange={(v) => (setAuditLevel(v as AuditLevel), setRegion(''), form.clear())}
                options={(['county', 'city', 'province'] as const).map((l) => ({ value: l, label: t(`account.auditLevel.${l}`) }))}
                data-testid="account-audit-level"
              />
            </Field>
            {auditLevel === 'county' ? (
              <Field label={t('account.county')} name="countyId" required error={form.of('countyId')}>
                <Select value={countyId} onChange={change(setCountyId, 'countyId')} placeholder={t('common.choose')} options={(counties ?? []).map((c) => ({ value: c.id, label: c.name }))} />
              </Field>
            ) : (
              <Field
                label={auditLevel === 'city' ? t('account.auditCity') : t('account.auditProvince')}
                name={auditLevel === 'city' ? 'auditCity' : 'auditProvince'}
                required
                error={form.of(auditLevel === 'city' ? 'auditCity' : 'auditProvince') ?? form.of('auditProvince')}
              >
                <Select
                  value={region}
                  onChange={(v) => (setRegion(v), form.clear('auditCity'), form.clear('auditProvince'))}
                  placeholder={t('common.choose')}
                  options={auditLevel === 'city' ? cities.map(([value, label]) => ({ value, label })) : provinces.map((p) => ({ value: p, label: p }))}
                  data-testid="account-audit-region"
                />
              </Field>
            )}
          </FieldRow>
        )}
        {((!account && role === 'coordinator') || (account?.role === 'coordinator' && me.account.role === 'admin')) && communityField}
        {!account && (role === 'teacher' || role === 'classroom') && (
          <FieldRow>
            <Field label={t('account.school')} name="schoolId">
              <Select
                value={schoolId}
                onChange={(v) => (setSchoolId(v), setTeacherId(''), setClassroomId(''))}
                placeholder={directory ? t('common.choose') : t('common.loading')}
                options={schools.map((s) => ({ value: s.id, label: s.name }))}
                data-testid="account-school"
              />
            </Field>
            {role === 'teacher' ? (
              <Field label={t('account.teacher')} name="teacherId" required error={form.of('teacherId')}>
                <Select
                  value={teacherId}
                  onChange={pickTeacher}
                  placeholder={schoolId ? t('common.choose') : t('account.pickSchoolFirst')}
                  options={(schoolId ? directory?.teachersOf(schoolId) ?? [] : []).map((x) => ({ value: x.id, label: taken.has(x.id) ? `${x.name}（${t('account.hasAccount')}）` : x.name, disabled: taken.has(x.id) }))}
                  data-testid="account-teacher"
                />
              </Field>
            ) : (
              <Field label={t('account.classroom')} name="classroomId" required error={form.of('classroomId')}>
                <Select
                  value={classroomId}
                  onChange={pickClassroom}
                  placeholder={schoolId ? t('common.choose') : t('account.pickSchoolFirst')}
                  options={(schoolId ? directory?.classroomsOf(schoolId) ?? [] : []).map((x) => ({ value: x.id, label: taken.has(x.id) ? `${x.name}（${t('account.hasAccount')}）` : x.name, disabled: taken.has(x.id) }))}
                  data-testid="account-classroom"
                />
              </Field>
            )}
          </FieldRow>
        )}
        {account?.role === 'teacher' && account.teacherId && directory?.teachers.get(account.teacherId) && (
          <p className="form-note">
            {t('account.teacher')}: {directory.teachers.get(account.teacherId)!.schoolName} · {directory.teachers.get(account.teacherId)!.name}
          </p>
        )}
        {account?.role === 'classroom' && account.classroomId && directory?.classrooms.get(account.classroomId) && (
          <p className="form-note">
            {t('account.classroom')}: {directory.classrooms.get(account.classroomId)!.schoolName} · {directory.classrooms.get(account.classroomId)!.name}
          </p>
        )}

        {!account && (
          <Field label={t('account.username')} name="username" required error={form.of('username')} hint={t('account.usernameHint')}>
            <TextInput value={username} onChange={change(setUsername, 'username')} autoCapitalize="none" spellCheck={false} maxLength={40} className="mono" data-testid="account-username" />
          </Field>
        )}
        <Field label={t('account.displayName')} name="displayName" required error={form.of('displayName')}>
          <TextInput value={displayName} onChange={change(setDisplayName, 'displayName')} maxLength={80} data-testid="account-display-name" />
        </Field>
        <Field
          label={account ? t('account.newPassword') : t('account.password')}
          name="password"
          required={!account}
          error={form.of('password')}
          hint={account ? t('account.newPasswordHint') : t('account.passwordHint')}
        >
          <TextInput type="password" value={password} onChange={change(setPassword, 'password')} autoComplete="new-password" data-testid="account-password" />
        </Field>
        {account && (
          <Field name="disabled" error={form.of('disabled')}>
            <Checkbox checked={disabled} onChange={change(setDisabled, 'disabled')} label={t('account.disable')} description={t('account.disableHint')} disabled={account.id === me.account.id} />
          </Field>
        )}
        {!account && role === 'classroom' && <Alert tone="info">{t('account.classroomHint')}</Alert>}
      </form>
    </Drawer>
  );
}
