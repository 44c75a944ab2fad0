/**
 * Counts the words of a text file (the bundled examples/data/words.txt by default) and prints the most frequent.
 *   spark-mesos submit examples/wordcount.ts [file] [top]
 */
import { fileURLToPath } from 'node:url';
import { SparkConf, SparkContext } from 'spark-mesos';

const file = process.argv[2] ?? fileURLToPath(new URL('./data/words.txt', import.meta.url));
const top = Number(process.argv[3] ?? 10);
const sc = new SparkContext(new SparkConf().setAppName('Word Count'));
const counts = sc
  .textFile(file)
  .flatMap((line) => line.toLowerCase().split(/[^a-z']+/))
  .filter((w) => w.length > 0)
  .map((w) => [w, 1] as [string, number])
  .reduceByKey((a, b) => a + b);
for (const [word, n] of await counts.top(top, ([, c]) => c)) console.log(`${word}\t${n}`);
console.log(`distinct words: ${await counts.count()}`);
await sc.stop();
