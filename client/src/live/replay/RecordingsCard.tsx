import type { Recording } from '../../../../shared/schemas/live.ts';
import { api } from '../../app/api.ts';
import { localDateTime } from '../../app/format.ts';
import { useRole } from '../../app/session.ts';
import { useQuery } from '../../app/useQuery.ts';
import { Link } from '../../app/router.tsx';
import { useT } from '../../i18n/index.ts';
import { Card, Table } from '../../ui/index.ts';
import { clock } from '../clock.ts';

/**
 * A session's finished recordings, each a link to its playback page with the courseware
 * in step. Shown to the recordings' audience only: for anyone else the list is a 404 and
 * the card stays away.
 */
export function RecordingsCard({ sessionId }: { sessionId: string }) {
  const t = useT();
  // An administrator is never in the audience: no request that can only answer 404.
  const audience = useRole() !== 'admin';
  const q = useQuery(api.listRecordings, audience ? { params: { sessionId } } : null);
  const ready = (q.data ?? []).filter((r) => r.status === 'ready');
  if (ready.length === 0) return null;
  const length = (r: Recording) => (r.endedAt ? clock((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000) : '');
  return (
    <Card title={t('live.recordings')} flush>
      <Table
        testId="live-report-recordings"
        rows={ready}
        rowKey={(r) => r.id}
        columns={[
          { key: 'start', header: t('evidence.start'), render: (r) => localDateTime(r.startedAt, { seconds: true }) },
          { key: 'length', header: '', align: 'right', render: length },
          { key: 'replay', header: '', align: 'right', render: (r) => <Link to={`/live/replay/${r.id}`} data-testid="replay-link">{t('replay.open')}</Link> },
        ]}
      />
    </Card>
  );
}
