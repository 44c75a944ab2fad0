/**
 * What `--class` means for a JavaScript/TypeScript application. Spark's clients always send a main class (a JVM
 * class name such as `org.apache.spark.examples.SparkPi`), and the dispatcher passes it on; a module that exports a
 * function of that name has it called with the application arguments after the module has loaded, and any other
 * value is ignored with one log line, so a submission from a stock Spark client still runs the module.
 */
export async function runMainExport(mod: Record<string, unknown>, name: string, args: readonly string[], log: (line: string) => void): Promise<boolean> {
  const fn = Object.prototype.hasOwnProperty.call(mod, name) ? mod[name] : undefined;
  if (typeof fn !== 'function') {
    log(`--class ${name}: the application module has no exported function of that name; ignored (the module itself is the application)`);
    return false;
  }
  await (fn as (args: string[]) => unknown)([...args]);
  return true;
}
