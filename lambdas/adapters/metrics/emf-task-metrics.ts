/**
 * TaskMetrics in CloudWatch embedded metric format, through Powertools Metrics (it writes one JSON document per
 * flush to stdout; Lambda ships it to CloudWatch Logs, which extracts the metrics). Each flush writes one
 * document per kind/type seen, with two dimension sets: [service, kind, type] and [service] (the totals the
 * dashboard and percentiles use).
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC_UNITS, type MetricDimensions, type MetricName, type TaskMetrics } from '../../core/ports';

export interface EmfTaskMetricsOptions {
  namespace: string;
  serviceName: string;
}

interface Entry {
  name: MetricName;
  value: number;
}

export class EmfTaskMetrics implements TaskMetrics {
  private readonly metrics: Metrics;
  /** Buffered per kind/type ("export orders"), so one document carries one dimension set's values. */
  private pending = new Map<string, { dimensions: MetricDimensions; entries: Entry[] }>();

  constructor(options: EmfTaskMetricsOptions) {
    this.metrics = new Metrics({ namespace: options.namespace, serviceName: options.serviceName });
  }

  add(name: MetricName, value: number, dimensions: MetricDimensions): void {
    if (!Number.isFinite(value)) return;
    const key = `${dimensions.kind}\u0000${dimensions.type}`;
    let group = this.pending.get(key);
    if (!group) this.pending.set(key, (group = { dimensions: { kind: dimensions.kind, type: dimensions.type }, entries: [] }));
    group.entries.push({ name, value });
  }

  flush(): void {
    const groups = [...this.pending.values()];
    this.pending = new Map();
    for (const { dimensions, entries } of groups) {
      // The [service] set first, then [service, kind, type] (Powertools lists regular dimensions first).
      this.metrics.addDimensions({});
      this.metrics.addDimension('kind', dimensions.kind);
      this.metrics.addDimension('type', dimensions.type);
      for (const { name, value } of entries) this.metrics.addMetric(name, METRIC_UNITS[name], value);
      this.metrics.publishStoredMetrics();
    }
  }
}
