import type { TaskDescription } from '../../core/plan.js';
import type { DriverEndpoint } from './DriverEndpoint.js';

/** What every backend of executor processes does the same way: tasks, kills and block drops go to the endpoint. */
export abstract class EndpointBackend {
  protected abstract readonly endpoint: DriverEndpoint;

  launchTask(executorId: string, task: TaskDescription): void {
    this.endpoint.launchTask(executorId, task);
  }

  killTask(executorId: string, taskId: number): void {
    this.endpoint.killTask(executorId, taskId);
  }

  dropBlocks(prefix: string): void {
    this.endpoint.dropBlocks(prefix);
  }
}
