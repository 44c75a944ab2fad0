/**
 * The application's start events (Spark's LogStart, ApplicationStart, EnvironmentUpdate and the driver's block
 * manager), with configuration values redacted before they reach the status store or the event log.
 */
import { dirname } from 'node:path';
import os from 'node:os';
import v8 from 'node:v8';
import type { SparkConf } from '../../conf/SparkConf.js';
import { SPARK_VERSION } from '../version.js';
import type { SparkEvent } from './sparkEvents.js';

export interface AppIdentity {
  appId: string;
  appName: string;
  attemptId?: string;
  startTime: number;
  user: string;
  driverHost: string;
  driverLogs?: Record<string, string>;
}

const sorted = (pairs: [string, string][]): Record<string, string> => Object.fromEntries([...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export function startEvents(conf: SparkConf, app: AppIdentity): SparkEvent[] {
  const props: [string, string][] = [...conf.redacted().filter(([k]) => k !== 'spark.app.id'), ['spark.app.id', app.appId], ['spark.app.startTime', String(app.startTime)]];
  const heap = v8.getHeapStatistics().heap_size_limit;
  const start: SparkEvent = { Event: 'SparkListenerApplicationStart', 'App Name': app.appName, 'App ID': app.appId, Timestamp: app.startTime, User: app.user };
  if (app.attemptId !== undefined) start['App Attempt ID'] = app.attemptId;
  if (app.driverLogs) start['Driver Logs'] = app.driverLogs;
  return [
    { Event: 'SparkListenerLogStart', 'Spark Version': SPARK_VERSION },
    start,
    {
      Event: 'SparkListenerEnvironmentUpdate',
      // Spark's "JVM Information": here the Node runtime that runs the driver.
      'JVM Information': { 'Java Home': dirname(process.execPath), 'Java Version': `${process.version} (Node.js)`, 'Scala Version': 'none (TypeScript)' },
      'Spark Properties': sorted(props),
      'Hadoop Properties': {},
      'System Properties': sorted([
        ['user.name', app.user], ['user.dir', process.cwd()], ['os.name', os.type()], ['os.version', os.release()], ['os.arch', process.arch],
        ['node.version', process.version], ['v8.version', process.versions.v8], ['process.pid', String(process.pid)],
      ]),
      'Metrics Properties': {},
      'Classpath Entries': {},
    },
    {
      Event: 'SparkListenerBlockManagerAdded', 'Block Manager ID': { 'Executor ID': 'driver', Host: app.driverHost, Port: 0 }, 'Maximum Memory': heap,
      Timestamp: app.startTime, 'Maximum Onheap Memory': heap, 'Maximum Offheap Memory': 0,
    },
  ];
}
