import { parseExposition } from '../textparse';
import { registry, renderMetrics, startDefaultMetrics, targetScrapesTotal, tsdbHeadSeries } from './metrics';

describe('flint metrics registry', () => {
  test('renders a text exposition our own parser reads, with flint_ names and process metrics', async () => {
    startDefaultMetrics();
    tsdbHeadSeries.set(42);
    targetScrapesTotal.inc(3);
    const { contentType, body } = await renderMetrics();
    expect(contentType).toMatch(/^text\/plain/);
    const parsed = parseExposition(body, contentType);
    const valueOf = (name: string) => {
      const i = parsed.labels.findIndex((ls) => ls.some((l) => l.name === '__name__' && l.value === name));
      return i < 0 ? undefined : parsed.values[i];
    };
    expect(valueOf('flint_tsdb_head_series')).toBe(42);
    expect(valueOf('flint_target_scrapes_total')).toBe(3);
    expect(valueOf('flint_build_info')).toBe(1);
    expect(valueOf('process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(parsed.metadata.get('flint_tsdb_head_series')?.type).toBe('gauge');
    expect(registry.getSingleMetric('nodejs_eventloop_lag_seconds')).toBeDefined();
  });
});
