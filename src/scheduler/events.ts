/** Scheduler events, as Spark's listener bus carries them (the UI, progress bar and metrics listen). */
export interface JobStart { type: 'jobStart'; jobId: number; stageIds: number[]; time: number; group: string | undefined; description: string | undefined }
export interface JobEnd { type: 'jobEnd'; jobId: number; time: number; result: 'succeeded' | 'failed' | 'cancelled'; error?: string }
export interface StageSubmitted { type: 'stageSubmitted'; stageId: number; attempt: number; name: string; numTasks: number; time: number }
export interface StageCompleted { type: 'stageCompleted'; stageId: number; attempt: number; name: string; numTasks: number; time: number; failure?: string }
export interface TaskStart { type: 'taskStart'; stageId: number; taskId: number; partition: number; attempt: number; executorId: string; time: number }
export interface TaskEnd { type: 'taskEnd'; stageId: number; taskId: number; partition: number; attempt: number; executorId: string; time: number; result: 'success' | 'failed' | 'killed' | 'lost'; error?: string; records: number }
export interface ExecutorAdded { type: 'executorAdded'; executorId: string; host: string; cores: number; time: number }
export interface ExecutorRemoved { type: 'executorRemoved'; executorId: string; reason: string; time: number }

export interface ExecutorExcluded { type: 'executorExcluded'; executorId: string; failures: number; time: number }

export type SparkListenerEvent = JobStart | JobEnd | StageSubmitted | StageCompleted | TaskStart | TaskEnd | ExecutorAdded | ExecutorRemoved | ExecutorExcluded;

export type SparkListener = (event: SparkListenerEvent) => void;
