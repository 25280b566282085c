/**
 * A rule set's region as people read it. Regions are stored as `default`,
 * `province:<name>`, `city:<name>` or `county:<county code>`; the county's name is not
 * in the region, so callers that know it pass it (`county:zj-jx-haiyan` → 海盐县).
 */
export type RegionLevel = 'default' | 'province' | 'city' | 'county';

export interface RegionParts {
  level: RegionLevel;
  /** The province or city name, the county code; '' for `default`. */
  key: string;
}

export function regionParts(region: string): RegionParts {
  if (region === 'default') return { level: 'default', key: '' };
  const i = region.indexOf(':');
  const level = region.slice(0, i);
  const key = region.slice(i + 1);
  if (i > 0 && (level === 'province' || level === 'city' || level === 'county')) return { level, key };
  return { level: 'default', key: region };
}

/**
 * The region's name: `city:嘉兴市` → 嘉兴市, `county:zj-jx-haiyan` → the county's name when
 * known (else the code), `default` → `defaultName`.
 */
export function regionName(region: string, opts: { defaultName: string; countyName?: ((code: string) => string | undefined) | string | undefined }): string {
  const { level, key } = regionParts(region);
  if (level === 'default') return key || opts.defaultName;
  if (level === 'county') {
    const name = typeof opts.countyName === 'function' ? opts.countyName(key) : opts.countyName;
    return name || key;
  }
  return key;
}

/** The order regions are listed in (the platform default first, then narrower ones). */
export const regionLevelOrder: Record<RegionLevel, number> = { default: 0, province: 1, city: 2, county: 3 };
