/**
 * Spark's REST submission protocol (`/v1/submissions/...`) as the dispatcher and `spark-submit` speak it: JSON
 * messages named by their `action`.
 */
export const PROTOCOL_VERSION = 'v1';
export const SPARK_VERSION = '3.5.1';

export interface CreateSubmissionRequest {
  action: 'CreateSubmissionRequest';
  appResource: string;
  mainClass: string;
  appArgs: string[];
  sparkProperties: Record<string, string>;
  environmentVariables: Record<string, string>;
  clientSparkVersion: string;
  message?: string;
}

interface ResponseBase {
  serverSparkVersion: string;
  success?: boolean;
  message?: string;
  unknownFields?: string[];
}

export interface CreateSubmissionResponse extends ResponseBase {
  action: 'CreateSubmissionResponse';
  submissionId?: string;
}

export interface KillSubmissionResponse extends ResponseBase {
  action: 'KillSubmissionResponse';
  submissionId: string;
}

export interface SubmissionStatusResponse extends ResponseBase {
  action: 'SubmissionStatusResponse';
  submissionId: string;
  driverState?: string;
  workerId?: string;
  workerHostPort?: string;
}

export interface ErrorResponse extends ResponseBase {
  action: 'ErrorResponse';
  highestProtocolVersion?: string;
  /** From a standby dispatcher: the leading dispatcher's REST URL (`mesos://host:port`). */
  leaderUrl?: string;
}

export type SubmitRestProtocolResponse = CreateSubmissionResponse | KillSubmissionResponse | SubmissionStatusResponse | ErrorResponse;
