/**
 * Joins orders with customers and sums revenue per country: a two-shuffle job (join, then reduceByKey).
 *   spark-mesos submit examples/join.ts
 */
import { SparkConf, SparkContext } from 'spark-mesos';

const sc = new SparkContext(new SparkConf().setAppName('Join'));
const customers = sc.parallelize([
  [1, { name: 'Ada', country: 'UK' }],
  [2, { name: 'Grace', country: 'US' }],
  [3, { name: 'Linus', country: 'FI' }],
  [4, { name: 'Margaret', country: 'US' }],
] as [number, { name: string; country: string }][]);
const orders = sc.parallelize(Array.from({ length: 1000 }, (_, i) => [1 + (i % 5), (i % 7) * 10 + 5] as [number, number]), 4);
const revenue = await orders
  .join(customers)
  .map(([, [amount, customer]]) => [customer.country, amount] as [string, number])
  .reduceByKey((a, b) => a + b)
  .sortByKey()
  .collect();
for (const [country, total] of revenue) console.log(`${country}\t${total}`);
const unmatched = await orders.leftOuterJoin(customers).filter(([, [, c]]) => c === undefined).count();
console.log(`orders without a customer: ${unmatched}`);
await sc.stop();
