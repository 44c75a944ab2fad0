/** The Storage tab (cached RDDs) and an RDD's page (where its blocks are). */
import { bytes, esc } from './format.js';
import { link, page, table, type PageContext } from './layout.js';

function totals(blocks: Map<string, Map<string, { mem: number; disk: number }>>): { mem: number; disk: number } {
  const t = { mem: 0, disk: 0 };
  for (const holders of blocks.values()) for (const h of holders.values()) {
    t.mem += h.mem;
    t.disk += h.disk;
  }
  return t;
}

export function storagePage(ctx: PageContext): string {
  const rdds = [...ctx.store.storage.rdds.values()].filter((r) => r.blocks.size > 0).sort((a, b) => a.id - b.id);
  const rows = rdds.map((r) => {
    const t = totals(r.blocks);
    const frac = r.numPartitions > 0 ? `${Math.round((100 * r.blocks.size) / r.numPartitions)}%` : '';
    return [String(r.id), link(`${ctx.base}/storage/rdd/?id=${r.id}`, esc(r.name)), esc(r.storageLevel), String(r.blocks.size), frac, esc(bytes(t.mem)), esc(bytes(t.disk))];
  });
  const body = rdds.length === 0 ? '<p class="muted">No RDDs are cached.</p>'
    : `<h4 id="rdds-heading">RDDs</h4>\n${table('storage-by-rdd-table', ['ID', 'RDD Name', 'Storage Level', 'Cached Partitions', 'Fraction Cached', 'Size in Memory', 'Size on Disk'], rows)}`;
  return page(ctx, 'storage', 'Storage', body);
}

export function rddPage(ctx: PageContext, rddId: number): string | undefined {
  const r = ctx.store.storage.rdds.get(rddId);
  if (!r) return undefined;
  const t = totals(r.blocks);
  const perExec = new Map<string, { mem: number; disk: number }>();
  for (const holders of r.blocks.values()) for (const [exec, h] of holders) {
    const a = perExec.get(exec) ?? { mem: 0, disk: 0 };
    a.mem += h.mem;
    a.disk += h.disk;
    perExec.set(exec, a);
  }
  const dist = [...perExec].sort(([a], [b]) => (a < b ? -1 : 1)).map(([exec, a]) => {
    const x = ctx.store.executors.get(exec);
    const remaining = Math.max(0, (x?.maxMemory ?? 0) - ctx.store.storage.usageOf(exec).mem);
    return [esc(x?.hostPort || exec), esc(exec), esc(`${bytes(a.mem)} (${bytes(remaining)} Remaining)`), esc(bytes(a.disk))];
  });
  const blockNo = (n: string) => Number(/_(\d+)$/.exec(n)?.[1] ?? 0);
  const parts = [...r.blocks].sort(([a], [b]) => blockNo(a) - blockNo(b)).map(([name, holders]) => {
    const mem = [...holders.values()].reduce((n, h) => n + h.mem, 0);
    const disk = [...holders.values()].reduce((n, h) => n + h.disk, 0);
    const where = [...holders.keys()].map((e) => ctx.store.executors.get(e)?.hostPort || e);
    return [esc(name), esc(r.storageLevel), esc(bytes(mem)), esc(bytes(disk)), esc(where.join(', '))];
  });
  const body = `<ul class="summary"><li><strong>Storage Level:</strong> ${esc(r.storageLevel)}</li><li><strong>Cached Partitions:</strong> ${r.blocks.size}</li>
<li><strong>Total Partitions:</strong> ${r.numPartitions}</li><li><strong>Memory Size:</strong> ${esc(bytes(t.mem))}</li><li><strong>Disk Size:</strong> ${esc(bytes(t.disk))}</li></ul>
<h4 id="distribution-heading">Data Distribution on ${perExec.size} Executors</h4>
${table('rdd-storage-by-executor-table', ['Host', 'Executor ID', 'Memory Usage', 'Disk Usage'], dist)}
<h4 id="partitions-heading">${r.blocks.size} Partitions</h4>
${table('rdd-storage-by-block-table', ['Block Name', 'Storage Level', 'Size in Memory', 'Size on Disk', 'Executors'], parts)}`;
  return page(ctx, 'storage', `RDD Storage Info for ${r.name}`, body);
}
