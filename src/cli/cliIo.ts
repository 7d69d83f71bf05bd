/** What a CLI command may touch of the outside world; the entry point wires it to the real process. */
export interface CliIo {
  stdout(text: string): void;
  stdoutIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** A line for the operator's log (stderr), kept when stderr is not a terminal. */
  log(line: string): void;
  /** Transient status for people watching a terminal (stderr); dropped when stderr is not a terminal. */
  progress(line: string): void;
  /** Prints one line for a failure; the file is named when the error does not already name it. */
  reportError(err: unknown, file?: string): void;
}
