import { Counter, Registry } from 'prom-client';

/** The coarse backend's counters, in a registry of their own (one per backend), in Prometheus' text format. */
export class MesosBackendMetrics {
  readonly registry = new Registry();
  readonly offersReceived = new Counter({ name: 'spark_mesos_offers_received_total', help: 'Mesos offers received', registers: [this.registry] });
  readonly offersDeclined = new Counter({ name: 'spark_mesos_offers_declined_total', help: 'Mesos offers declined', registers: [this.registry] });
  readonly offersAccepted = new Counter({ name: 'spark_mesos_offers_accepted_total', help: 'Mesos offers accepted (with at least one executor)', registers: [this.registry] });
  readonly executorsLaunched = new Counter({ name: 'spark_mesos_executors_launched_total', help: 'Executor tasks launched', registers: [this.registry] });
  readonly executorsFailed = new Counter({ name: 'spark_mesos_executors_failed_total', help: 'Executor tasks that ended FAILED or LOST', registers: [this.registry] });
  readonly statusUpdates = new Counter({ name: 'spark_mesos_status_updates_total', help: 'Status updates by Mesos task state', labelNames: ['state'], registers: [this.registry] });

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
