// The word count of bench/scale.ts on skale (npm skale@1.2.2, the Node.js Spark-like engine), run by that bench in
// a child process with SKALE_WORKERS set. Prints the distinct word count and the seconds taken.
const skale = require(process.env.SKALE_MODULE || 'skale');
const sc = skale.context();
const t0 = Date.now();
sc.textFile(process.argv[2])
  .flatMap((l) => l.split(' '))
  .filter((w) => w !== '')
  .map((w) => [w, 1])
  .reduceByKey((a, b) => a + b, 0)
  .count((err, n) => {
    if (err) {
      console.error(err);
      process.exitCode = 1;
    } else console.log(JSON.stringify({ words: n, seconds: (Date.now() - t0) / 1000 }));
    sc.end();
  });
