/**
 * FrameworkInfo.webui_url: `spark.mesos.driver.webui.url` when set, else the driver's own HTTP address, so the Mesos
 * UI links to the application (coarse- and fine-grained modes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, SparkContext, buildFrameworkInfo } from '../../src/index.js';
import { withDriverUi } from '../../src/cluster/mesos/FrameworkConnection.js';
import { withCluster } from '../helpers/jobs.js';

test('webui_url: the configured URL wins, else the driver UI, else none', () => {
  const info = (settings: Record<string, string>) => buildFrameworkInfo(new SparkConf({ 'spark.app.name': 'a', ...settings }), undefined, { SPARK_USER: 'u' });
  const cases: [Record<string, string>, string | undefined, string | undefined][] = [
    [{}, 'http://driver:4040', 'http://driver:4040'],
    [{ 'spark.mesos.driver.webui.url': 'http://proxy/app' }, 'http://driver:4040', 'http://proxy/app'],
    [{ 'spark.mesos.driver.webui.url': 'http://proxy/app' }, undefined, 'http://proxy/app'],
    [{}, undefined, undefined],
  ];
  for (const [settings, ui, want] of cases) assert.equal(withDriverUi(info(settings), ui).webui_url, want, JSON.stringify([settings, ui]));
});

interface StateFramework { id: string; webui_url: string }

for (const coarse of [true, false]) {
  test(`${coarse ? 'coarse' : 'fine'}-grained: the framework's webui_url in mini-Mesos is the driver's HTTP address, and it answers`, async () => {
    await withCluster({ agents: 1, resources: 'cpus:2;mem:4096' }, async (c) => {
      const sc = new SparkContext(new SparkConf().setMaster(c.masterUrl).setAppName('webui')
        .set('spark.mesos.coarse', String(coarse)).set('spark.ui.port', '0').set('spark.driver.host', '127.0.0.1')
        .set('spark.executor.cores', '1').set('spark.executor.memory', '256m').set('spark.cores.max', '1'));
      try {
        await sc.ready();
        const ui = sc.uiAddress!;
        const m = c.master.endpoint;
        const state = (await (await fetch(`http://${m.host}:${m.port}/master/state`)).json()) as { frameworks: StateFramework[] };
        const fw = state.frameworks.find((f) => f.id === sc.applicationId)!;
        assert.equal(fw.webui_url, `http://127.0.0.1:${ui.port}`);
        const res = await fetch(fw.webui_url);
        assert.equal(res.status, 200);
        // The application UI's Jobs page (Spark's `/` → `/jobs/`), naming this application.
        assert.equal(new URL(res.url).pathname, '/jobs/');
        assert.match(await res.text(), new RegExp(`id="app-name" title="${sc.applicationId}"`), 'the link leads to this application');
      } finally {
        await sc.stop();
      }
    });
  });
}
