import { allEntries, PREFIXES } from './catalog.js';
import type { ConfigCategory, ConfigEntry } from './ConfigEntry.js';

const ORDER: ConfigCategory[] = [
  'Application', 'Execution', 'Dynamic allocation', 'Shuffle and network', 'Security', 'Recovery', 'Web UI and history', 'Input and output',
  'Mesos: framework and offers', 'Mesos: executors and containers', 'Mesos: secrets and labels', 'Mesos: cluster mode',
];

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function defaultText(e: ConfigEntry<unknown>): string {
  if (e.defaultDoc !== undefined) return e.defaultDoc;
  if (e.default === undefined) return '(none)';
  return e.default === '' ? '(empty)' : `\`${e.default}\``;
}

/** Renders `docs/configuration.md` from the catalog; a test compares the file with this output. */
export function renderConfigurationReference(): string {
  const lines: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated from src/conf/catalog.ts by `npm run docs`. Do not edit by hand. -->',
    '',
    'Set keys with `SparkConf.set`, `--conf key=value` on the command line, or a `spark-defaults.conf`-style file',
    '(`--properties-file`). Sizes take `k`, `m`, `g`, `t` suffixes; durations take `ms`, `s`, `min`, `h`, `d`. A bad',
    'value fails with an error naming the key, the value and the expected form. Values of keys matching',
    '`spark.redaction.regex` are never printed. A key whose default is another key reads that key\'s value in the',
    'other key\'s unit (`spark.network.timeout=120` is 120 s for every key that falls back to it).',
    '',
  ];
  const entries = allEntries();
  for (const cat of ORDER) {
    const inCat = entries.filter((e) => e.category === cat);
    const prefixes = PREFIXES.filter((p) => p.category === cat);
    if (inCat.length === 0 && prefixes.length === 0) continue;
    lines.push(`## ${cat}`, '', '| Key | Type | Default | Meaning |', '| --- | --- | --- | --- |');
    for (const e of inCat) {
      const type = e.type === 'enum' ? (e.values ?? []).join(' | ') : e.unit ? `${e.type} (${e.unit})` : e.type;
      const extra = [e.secret ? 'Secret: never printed.' : '', e.since ? `Since Spark ${e.since}.` : ''].filter(Boolean).join(' ');
      lines.push(`| \`${e.key}\` | ${cell(type)} | ${cell(defaultText(e))} | ${cell(e.doc)}${extra ? ' ' + extra : ''} |`);
    }
    for (const p of prefixes) lines.push(`| \`${p.prefix}*\` | prefix | (none) | ${cell(p.doc)} |`);
    lines.push('');
  }
  return lines.join('\n');
}
