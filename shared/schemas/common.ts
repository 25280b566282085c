import { z } from 'zod';

export const Id = z.uuid();
export const IsoDate = z.iso.date();
/** An instant with an explicit offset; stored in UTC. */
export const IsoDateTime = z.iso.datetime({ offset: true });
export const Name = z.string().trim().min(1).max(120);
export const Locale = z.enum(['zh-CN', 'en']);
export type Locale = z.infer<typeof Locale>;

export const IdParams = z.object({ id: Id });

/** Query-string booleans arrive as text. */
export const QueryBool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

export const Created = z.object({ id: Id });
