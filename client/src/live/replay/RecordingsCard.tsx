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
 * A session's finished recordings in the order they were made, each a link to its playback page
 * with the courseware in step. A recording cut off by a failover goes on as the next part of its
 * series (LIVE-RECORDING-RESUME): its row says which part it is and how long the gap before it was.
 * Shown to the recordings' audience only: for anyone else the list is a 404 and the card stays away.
 */
export function RecordingsCard({ sessionId }: { sessionId: string }) {
  const t = useT();
  // An administrator is never in the audience: no request that can only answer 404.
  const audience = useRole() !== 'admin';
  const q = useQuery(api.listRecordings, audience ? { params: { sessionId } } : null);
  const ready = (q.data ?? []).filter((r) => r.status === 'ready');
  const partsOf = new Map<string, number>();
  for (const r of q.data ?? []) partsOf.set(r.seriesId, (partsOf.get(r.seriesId) ?? 0) + 1);
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
          {
            key: 'part',
            header: '',
            wrap: true,
            render: (r) =>
              (partsOf.get(r.seriesId) ?? 1) > 1 ? (
                <span data-testid="recording-part" data-part={r.part}>
                  {t('replay.part', { part: r.part })}
                  {r.gapSeconds !== null && <div className="muted">{t('replay.resumedAfter', { seconds: Math.round(r.gapSeconds) })}</div>}
                </span>
              ) : null,
          },
          { key: 'length', header: '', align: 'right', render: length },
          { key: 'replay', header: '', align: 'right', render: (r) => <Link to={`/live/replay/${r.id}`} data-testid="replay-link">{t('replay.open')}</Link> },
        ]}
      />
    </Card>
  );
}
