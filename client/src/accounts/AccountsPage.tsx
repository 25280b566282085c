import { useMemo, useState } from 'react';
import type { Account, Role } from '../../../shared/schemas/accounts.ts';
import { useCounties } from '../app/reference.ts';
import { useMe } from '../app/session.ts';
import { useCommunityList } from '../communities/store.ts';
import { useT, type Translate } from '../i18n/index.ts';
import { Badge, Button, Card, EmptyState, Icon, LoadError, PageHeader, Select, Table, type BadgeTone, type Column } from '../ui/index.ts';
import { AccountDrawer } from './AccountDrawer.tsx';
import { useDirectory, type Directory } from './directory.ts';
import { useAccountList, useAccounts } from './store.ts';

export const roleTone: Record<Role, BadgeTone> = { admin: 'red', auditor: 'purple', coordinator: 'blue', teacher: 'teal', classroom: 'orange' };

/** The roles the signed-in user may create. */
export const creatableRoles = (role: Role): Role[] => (role === 'admin' ? ['coordinator', 'auditor', 'teacher', 'classroom', 'admin'] : role === 'coordinator' ? ['teacher', 'classroom'] : []);

function scopeOf(t: Translate, a: Account, dir: Directory | undefined, countyName: (id: string) => string, communityName: (id: string) => string): string {
  switch (a.role) {
    case 'admin':
      return t('account.scopeAll');
    case 'auditor':
      // C-AUDIT-REGION: a county, a city of its province, or a province.
      return a.countyId ? countyName(a.countyId) : a.auditCity ? `${a.auditProvince ?? ''} ${a.auditCity}` : (a.auditProvince ?? '—');
    case 'coordinator':
      return a.communityIds.map(communityName).join('、') || '—';
    case 'teacher': {
      const x = a.teacherId ? dir?.teachers.get(a.teacherId) : undefined;
      return x ? `${x.schoolName} · ${x.name}` : dir ? '—' : '…';
    }
    case 'classroom': {
      const x = a.classroomId ? dir?.classrooms.get(a.classroomId) : undefined;
      return x ? `${x.schoolName} · ${x.name}` : dir ? '—' : '…';
    }
  }
}

export function AccountsPage() {
  const t = useT();
  const me = useMe();
  const { list, error, reload } = useAccountList();
  const directory = useDirectory();
  const counties = useCounties();
  const { list: communities } = useCommunityList();
  const [role, setRole] = useState('');
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<Account | 'new' | null>(null);

  const countyName = (id: string) => counties?.find((c) => c.id === id)?.name ?? '—';
  const communityName = (id: string) => communities?.find((c) => c.id === id)?.name ?? '—';

  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const order: Role[] = ['admin', 'auditor', 'coordinator', 'teacher', 'classroom'];
    return list
      ?.filter((a) => (!role || a.role === role) && (!f || a.username.includes(f) || a.displayName.toLowerCase().includes(f)))
      .sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role) || a.username.localeCompare(b.username));
  }, [list, role, filter]);

  const columns: Column<Account>[] = [
    { key: 'username', header: t('account.username'), render: (a) => <span className="mono">{a.username}</span> },
    {
      key: 'displayName',
      wrap: true,
      header: t('account.displayName'),
      render: (a) => (
        <span className="cell-stack">
          <span className="strong">{a.displayName}</span>
          {a.id === me.account.id && <Badge tone="purple">{t('common.me')}</Badge>}
        </span>
      ),
    },
    { key: 'role', header: t('account.role'), render: (a) => <Badge tone={roleTone[a.role]}>{t(`role.${a.role}`)}</Badge> },
    { key: 'scope', wrap: true, header: t('account.scope'), render: (a) => <span className="cell-wrap">{scopeOf(t, a, directory.data, countyName, communityName)}</span> },
    { key: 'locale', header: t('account.locale'), secondary: true, render: (a) => (a.locale === 'en' ? 'English' : '中文') },
    { key: 'status', header: t('account.status'), render: (a) => (a.disabled ? <Badge tone="gray">{t('account.disabled')}</Badge> : <Badge tone="green">{t('account.enabled')}</Badge>) },
    {
      key: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'right',
      width: '90px',
      render: (a) => (
        <Button size="sm" variant="ghost" icon="edit" onClick={() => setEditing(a)} data-testid="edit-account">
          {t('common.edit')}
        </Button>
      ),
    },
  ];

  if (error && !list) return <LoadError onRetry={() => void reload()} />;

  const creatable = creatableRoles(me.account.role);
  return (
    <>
      <PageHeader
        title={t('account.listTitle')}
        description={me.account.role === 'admin' ? t('account.listDescriptionAdmin') : t('account.listDescriptionCoordinator')}
        actions={
          creatable.length > 0 && (
            <Button variant="primary" icon="plus" onClick={() => setEditing('new')} data-testid="create-account">
              {t('account.create')}
            </Button>
          )
        }
      />
      <Card flush>
        <div className="toolbar">
          <div className="search">
            <Icon name="search" size={16} />
            <input type="search" className="input input--bare" placeholder={t('account.searchPlaceholder')} value={filter} onChange={(e) => setFilter(e.target.value)} aria-label={t('common.search')} />
          </div>
          <Select
            className="toolbar-select"
            value={role}
            onChange={setRole}
            placeholder={t('account.allRoles')}
            aria-label={t('account.role')}
            options={(['admin', 'auditor', 'coordinator', 'teacher', 'classroom'] as const).map((r) => ({ value: r, label: t(`role.${r}`) }))}
          />
          <span className="toolbar-count">{list ? t('common.count', { n: rows?.length ?? 0 }) : ''}</span>
        </div>
        <Table
          columns={columns}
          rows={rows}
          rowKey={(a) => a.id}
          muted={(a) => a.disabled}
          testId="accounts-table"
          label={t('account.listTitle')}
          empty={<EmptyState compact icon="accounts" title={list?.length ? t('common.noMatches') : t('account.none')} />}
        />
      </Card>
      {editing && (
        <AccountDrawer
          account={editing === 'new' ? undefined : editing}
          roles={creatable}
          directory={directory.data}
          accounts={list ?? []}
          onClose={() => setEditing(null)}
          onSaved={(a) => useAccounts.getState().upsert(a)}
        />
      )}
    </>
  );
}
