// The plugin service's own metrics, which Grafana collects through Diagnostics.CollectMetrics
// and serves at /metrics/plugins/<plugin id>. A registry of its own per service, so that
// several services in one process (tests) do not collide.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class PluginMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'code'>;
  readonly requestDuration: Histogram<'method'>;
  readonly queries: Counter<'outcome' | 'from_alert'>;

  constructor(instanceCount: () => number) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'flint_grafana_plugin_requests_total',
      help: 'Plugin protocol calls received from Grafana, by method and gRPC status code.',
      labelNames: ['method', 'code'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'flint_grafana_plugin_request_duration_seconds',
      help: 'Time to answer plugin protocol calls, by method.',
      labelNames: ['method'],
      buckets: [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10, 30, 60],
      registers,
    });
    this.queries = new Counter({
      name: 'flint_grafana_plugin_queries_total',
      help: 'Data queries answered, by outcome and whether alerting sent them.',
      labelNames: ['outcome', 'from_alert'],
      registers,
    });
    new Gauge({
      name: 'flint_grafana_plugin_datasource_instances',
      help: 'Data source instances with a cached API client.',
      registers,
      collect() {
        this.set(instanceCount());
      },
    });
  }

  /** The Prometheus text exposition of all of them. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
