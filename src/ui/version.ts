/** The Spark version whose UI, REST API and event log format this implements (reported as the app's Spark version). */
export const SPARK_VERSION = '3.5.1';
