// Every engine test again, on local-cluster[2,1,1024]: two executor processes reached over TCP.
process.env.SPARK_TEST_MASTER = 'local-cluster[2,1,1024]';
await import('./rdd.test.js');
