import type { CommunityProgress } from '../../../shared/schemas/quotas.ts';
import { Link } from '../app/router.tsx';
import { useT } from '../i18n/index.ts';
import { Card, LinkButton, Spinner } from '../ui/index.ts';
import { CommunityAttention } from './Attention.tsx';
import { CommunityStanding } from './Standing.tsx';

/** A coordinator's community on the home page: where its year stands, and what needs them now. */
export function CommunityYearCard({ communityId, name, progress, loading }: { communityId: string; name: string; progress: CommunityProgress | undefined; loading: boolean }) {
  const t = useT();
  return (
    <Card title={<Link to={`/communities/${communityId}`}>{name}</Link>} subtitle={t('home.yearSubtitle')} testId="community-year">
      {progress ? <CommunityStanding progress={progress} /> : loading ? <Spinner /> : <p className="muted">{t('home.standingNone')}</p>}
      <h4 className="home-attention-title">{t('home.attentionTitle')}</h4>
      {progress && !progress.frozen && (progress.status === 'at_risk' || progress.status === 'will_miss') && (
        <p className="home-plan">
          {t('home.planHint')}{' '}
          <LinkButton to={`/planner/${communityId}?year=${progress.academicYear}`} size="sm" variant="primary" icon="calendar" data-testid="home-plan">
            {t('planner.fromAdvice')}
          </LinkButton>
        </p>
      )}
      <CommunityAttention communityId={communityId} />
    </Card>
  );
}
