import { nodeFull, type ClusterView } from '../../../shared/schemas/cluster.ts';
import { api } from '../app/api.ts';
import { localDateTime } from '../app/format.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT } from '../i18n/index.ts';
import { Badge, Card, EmptyState, LoadError, PageHeader, Table, type Column } from '../ui/index.ts';

type NodeRow = ClusterView['nodes'][number];

/** `/system/nodes`: every app node alive, its load and the live lessons it hosts (admin). */
export function NodesPage() {
  const t = useT();
  const view = useQuery(api.clusterNodes, {});
  if (view.error && !view.data) return <LoadError onRetry={() => void view.reload()} />;
  const columns: Column<NodeRow>[] = [
    {
      key: 'node',
      header: t('nodes.node'),
      render: (n) => (
        <>
          {n.nodeId}
          {n.nodeId === view.data?.nodeId ? <> <Badge tone="blue">{t('nodes.this')}</Badge></> : null}
        </>
      ),
    },
    {
      key: 'state',
      header: t('nodes.state'),
      render: (n) =>
        n.draining ? <Badge tone="orange">{t('nodes.state.draining')}</Badge> : nodeFull(n) ? <Badge tone="red">{t('nodes.state.full')}</Badge> : <Badge tone="green">{t('nodes.state.serving')}</Badge>,
    },
    {
      key: 'consumers',
      header: t('nodes.consumers'),
      align: 'right',
      render: (n) => (
        <>
          {t('nodes.consumersOf', { n: n.consumers, max: n.maxConsumers })}
          {n.pipeConsumers ? <div data-testid="node-pipes">{t('nodes.pipeConsumers', { n: n.pipeConsumers })}</div> : null}
        </>
      ),
    },
    { key: 'ports', header: t('nodes.ports'), align: 'right', secondary: true, render: (n) => (n.maxTransports ? t('nodes.consumersOf', { n: n.transports ?? 0, max: n.maxTransports }) : '—') },
    { key: 'cpu', header: t('nodes.cpu'), align: 'right', render: (n) => (n.workerCpu === null ? '—' : `${Math.round(n.workerCpu * 100)}%`) },
    { key: 'workers', header: t('nodes.workers'), align: 'right', secondary: true, render: (n) => n.workers },
    { key: 'since', header: t('nodes.since'), secondary: true, render: (n) => localDateTime(n.startedAt) },
    {
      key: 'lessons',
      header: t('nodes.lessons'),
      wrap: true,
      render: (n) =>
        n.lessonDetails.length === 0 && n.edgeDetails.length === 0 ? (
          t('nodes.noLessons')
        ) : (
          <>
            {n.lessonDetails.map((l) => (
              <div key={l.sessionId} data-testid="node-lesson">
                {l.title}（{localDateTime(l.startsAt)}）
                {l.present ? <span className="muted"> · {t('nodes.present', l.present)}</span> : null}
              </div>
            ))}
            {n.edgeDetails.map((l) => (
              <div key={l.sessionId} data-testid="node-edge">
                <Badge tone="gray">{t('nodes.edge')}</Badge> {l.title}（{localDateTime(l.startsAt)}）
                <span className="muted"> · {l.host ? t('nodes.edgeOf', { host: l.host }) : t('nodes.edgeHostUnknown')}</span>
              </div>
            ))}
            {n.edgeParticipants ? <div data-testid="node-edge-participants">{t('nodes.edgeParticipants', { n: n.edgeParticipants })}</div> : null}
          </>
        ),
    },
  ];
  return (
    <>
      <PageHeader title={t('nodes.title')} description={t('nodes.description')} />
      <Card>
        {view.data && !view.data.clustered ? <p>{t('nodes.single')}</p> : null}
        <Table testId="nodes-table" columns={columns} rows={view.data?.nodes} loading={view.loading && !view.data} rowKey={(n) => n.nodeId} empty={<EmptyState title={t('nodes.none')} compact />} />
      </Card>
    </>
  );
}
