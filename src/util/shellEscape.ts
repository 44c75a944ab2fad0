/**
 * Quotes a token for a `sh -c` command line (Mesos task commands). Unlike Spark, a value that already looks quoted is
 * escaped too: otherwise `"$(cmd)"` from a submission would reach the shell as is (shell injection).
 */
export function shellEscape(value: string): string {
  if (value === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}
