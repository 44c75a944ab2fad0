/** The driver task's command line quoting: the shared shell quoting (the executor command line uses it too). */
export { shellEscape } from '../../util/shellEscape.js';
