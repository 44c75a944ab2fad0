/** How to start an executor process of this installation: Node, the CLI (from dist, or from src through tsx). */
export function executorCommand(): { command: string; args: string[] } {
  const here = import.meta.url;
  const fromSource = here.endsWith('.ts');
  const main = new URL(`../../cli/main.${fromSource ? 'ts' : 'js'}`, here).pathname;
  return { command: process.execPath, args: [...(fromSource ? ['--import', 'tsx'] : []), main, 'executor'] };
}
