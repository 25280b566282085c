import { useEffect, useState } from 'react';
import { COURSEWARE_EXTENSIONS, COURSEWARE_MAX_PAGES, type Courseware } from '../../../../shared/schemas/courseware.ts';
import { api, call } from '../../app/api.ts';
import { useT, type Translate } from '../../i18n/index.ts';
import { Badge, toast } from '../../ui/index.ts';

const ACCEPT = COURSEWARE_EXTENSIONS.map((e) => `.${e}`).join(',');

function statusOf(t: Translate, c: Courseware) {
  if (c.status === 'converting') return <Badge tone="blue">{t('cw.status.converting')}</Badge>;
  if (c.status === 'failed') return <Badge tone="red">{c.error ? t(`cw.error.${c.error}`, { max: COURSEWARE_MAX_PAGES }) : t('cw.status.failed')}</Badge>;
  return <Badge tone="green">{t('cw.status.ready', { n: c.pageCount ?? c.pages.length })}</Badge>;
}

/**
 * The host's courseware: upload a file (attached to this session at once), follow its
 * conversion, and show one of the teacher's files — this lesson's or an earlier one's — or
 * the blank board.
 */
export function CoursewarePicker({ sessionId, showing, onShow }: { sessionId: string; showing: string | null; onShow(coursewareId: string | null): void }) {
  const t = useT();
  const [items, setItems] = useState<Courseware[]>([]);
  const [uploading, setUploading] = useState(false);

  useEffect(() => {
    void call(api.listCourseware).then((r) => r.ok && setItems(r.data));
  }, []);

  // Conversions in progress: asked after every second and a half until they end.
  const converting = items.filter((c) => c.status === 'converting').map((c) => c.id).join(',');
  useEffect(() => {
    if (!converting) return;
    const timer = setInterval(() => {
      for (const id of converting.split(',')) {
        void call(api.getCourseware, { params: { coursewareId: id } }).then((r) => {
          if (r.ok && r.data.status !== 'converting') setItems((all) => all.map((c) => (c.id === id ? r.data : c)));
        });
      }
    }, 1500);
    return () => clearInterval(timer);
  }, [converting]);

  const upload = async (file: File | null) => {
    if (!file) return;
    setUploading(true);
    const res = await call(api.uploadCourseware, { body: { sessionId }, file });
    setUploading(false);
    if (res.ok) setItems((all) => [res.data, ...all]);
    else toast.error(t(res.status === 413 ? 'cw.error.tooLarge' : res.status === 400 ? 'cw.error.fileType' : 'cw.error.upload'));
  };

  return (
    <div className="cw-picker" data-testid="cw-picker">
      <label className="btn btn--primary btn--sm cw-upload">
        {uploading ? t('cw.uploading') : t('cw.upload')}
        <input type="file" accept={ACCEPT} hidden disabled={uploading} data-testid="cw-upload" onChange={(e) => void upload(e.target.files?.[0] ?? null).finally(() => (e.target.value = ''))} />
      </label>
      <p className="cw-hint">{t('cw.uploadHint')}</p>
      <h3 className="live-section-title">{t('cw.mine')}</h3>
      {items.length === 0 && <p className="cw-hint">{t('cw.none')}</p>}
      <ul className="cw-list">
        {items.map((c) => (
          <li key={c.id} data-testid="cw-item" data-status={c.status}>
            <span className="cw-name" title={c.fileName}>
              {c.fileName}
            </span>
            {statusOf(t, c)}
            {c.status === 'ready' && (
              <button type="button" className="btn btn--secondary btn--sm" disabled={showing === c.id} onClick={() => onShow(c.id)} data-testid="cw-show">
                {showing === c.id ? t('cw.showing') : t('cw.show')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" className="btn btn--secondary btn--sm" onClick={() => onShow(null)} data-testid="cw-blank">
        {t('cw.blank')}
      </button>
    </div>
  );
}
