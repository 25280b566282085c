/** The value of one sample line of Prometheus text, e.g. `tongbu_http_requests_total{method="GET",route="/api/health",status_code="200"}`. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean);
    if (wanted.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

/** `GET /metrics` of a platform at `url`, with the bearer token if given. */
export const scrapeMetrics = (url: string, token?: string): Promise<Response> => fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
