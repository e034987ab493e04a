export { buildProgram } from './program';
export { runCli } from './run';
export { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, exitCodeFor } from './exit-codes';
export { processContext, type CliContext } from './context';
export { COMMANDS, type CommandModule } from './commands';
export { renderTable } from './table';
