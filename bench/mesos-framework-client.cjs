// The baseline of bench/mesos.ts: the `mesos-framework` npm library launching 8 one-cpu tasks on the same cluster.
// Prints the milliseconds from creating its scheduler to all 8 tasks running.
const { Scheduler, Mesos: M } = require('mesos-framework');
const Mesos = M.getMesos();
const port = Number(process.argv[2]);
const count = Number(process.argv[3] ?? 8);
const t0 = Date.now();
let running = 0;
const scheduler = new Scheduler({
  masterUrl: '127.0.0.1', port, frameworkName: 'mesos-framework-bench', logging: { level: 'error' },
  tasks: { sleepers: { instances: count, commandInfo: new Mesos.CommandInfo(null, null, true, 'sleep 60', null, null), resources: { cpus: 1, mem: 128, ports: 0, disk: 0 } } },
});
scheduler.on('ready', () => scheduler.subscribe());
scheduler.on('update', (u) => {
  if (u.status && u.status.state === 'TASK_RUNNING' && ++running === count) {
    console.log(`RUNNING_MS ${Date.now() - t0}`);
    process.exit(0);
  }
});
setTimeout(() => {
  console.log(`TIMEOUT running=${running}`);
  process.exit(1);
}, 60000);
