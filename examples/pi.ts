/**
 * Estimates π by throwing darts at the unit square (Spark's SparkPi).
 *   spark-mesos submit examples/pi.ts [slices]
 */
import { SparkConf, SparkContext } from 'spark-mesos';

const slices = Number(process.argv[2] ?? 2);
const n = Math.min(100_000 * slices, 2 ** 31 - 1);
const sc = new SparkContext(new SparkConf().setAppName('Spark Pi'));
const inside = await sc
  .range(1, n + 1, 1, slices)
  .map((): number => {
    const x = Math.random() * 2 - 1;
    const y = Math.random() * 2 - 1;
    return x * x + y * y <= 1 ? 1 : 0;
  })
  .reduce((a, b) => a + b);
console.log(`Pi is roughly ${(4 * inside) / (n - 1)}`);
await sc.stop();
