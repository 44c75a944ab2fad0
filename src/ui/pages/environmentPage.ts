/** The Environment tab: runtime, Spark, Hadoop, system and metrics properties, class path; secrets redacted. */
import { esc } from './format.js';
import { page, table, type PageContext } from './layout.js';

export function environmentPage(ctx: PageContext): string {
  const env = ctx.store.environment;
  if (!env) return page(ctx, 'environment', 'Environment', '<p class="muted">No environment information yet.</p>');
  const kv = (id: string, pairs: [string, string][], redact: boolean) =>
    table(id, ['Name', 'Value'], [...(redact ? ctx.redact(pairs) : pairs)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [esc(k), esc(v)]));
  const runtime: [string, string][] = [['Java Version', env.runtime.javaVersion], ['Java Home', env.runtime.javaHome], ['Scala Version', env.runtime.scalaVersion]];
  const sections: [string, string, [string, string][], boolean][] = [
    ['runtime', 'Runtime Information', runtime, false], ['spark-properties', 'Spark Properties', env.sparkProperties, true],
    ['hadoop-properties', 'Hadoop Properties', env.hadoopProperties, true], ['system-properties', 'System Properties', env.systemProperties, true],
    ['metrics-properties', 'Metrics Properties', env.metricsProperties, true], ['classpath-entries', 'Classpath Entries', env.classpathEntries, false],
  ];
  const body = sections.map(([id, title, pairs, redact]) => `<h4 id="${id}-heading">${title}</h4>\n${kv(`${id}-table`, pairs, redact)}`).join('\n');
  return page(ctx, 'environment', 'Environment', body);
}
