/** What a running task knows about itself (`TaskContext.get()` inside a shipped function). */
export interface TaskInfoView {
  stageId: number;
  partitionId: number;
  attemptNumber: number;
  taskAttemptId: number;
  executorId: string;
}

let current: TaskInfoView | undefined;

export const TaskContext = {
  get(): TaskInfoView | undefined {
    return current;
  },
  /** Set by the executor around each task. */
  set(ctx: TaskInfoView | undefined): void {
    current = ctx;
  },
};
