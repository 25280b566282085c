import type { LessonType } from '../../../shared/schemas/live.ts';
import { api } from '../app/api.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT } from '../i18n/index.ts';
import { Card, DescriptionList, Spinner } from '../ui/index.ts';

const TYPES: LessonType[] = ['lecture', 'dialogue', 'mixed', 'practice'];
const fixed = (x: number | null) => (x === null ? '—' : x.toFixed(2));

/**
 * A community's delivered lessons of the year by the S-T analysis (for its
 * coordinators): how many were analysed, mean Rt and Ch, lessons per type.
 */
export function StSummaryCard({ communityId, academicYear }: { communityId: string; academicYear: string | undefined }) {
  const t = useT();
  const q = useQuery(api.communitySt, { params: { communityId }, query: academicYear ? { academicYear } : {} });
  if (q.error) return null;
  const d = q.data;
  return (
    <Card title={t('live.st.community.title')} subtitle={d ? t('live.st.community.subtitle', { year: d.academicYear }) : undefined} testId="quota-st">
      {!d ? (
        <Spinner />
      ) : d.analysed === 0 ? (
        <p className="muted">{t('live.st.community.none')}</p>
      ) : (
        <>
          <span hidden data-testid="quota-st-figures" data-lessons={d.lessons} data-analysed={d.analysed} data-avg-rt={d.avgRt ?? ''} data-avg-ch={d.avgCh ?? ''} />
          <DescriptionList
            items={[
              { label: t('live.st.community.avgRt'), value: fixed(d.avgRt) },
              { label: t('live.st.community.avgCh'), value: fixed(d.avgCh) },
              ...TYPES.map((type) => ({ label: t(`live.st.type.${type}`), value: <span data-testid={`quota-st-${type}`}>{d.byType[type]}</span> })),
            ]}
          />
          <p className="muted">{t('live.st.community.lessons', { analysed: d.analysed, lessons: d.lessons })}</p>
        </>
      )}
    </Card>
  );
}
