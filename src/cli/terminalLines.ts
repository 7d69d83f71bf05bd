// Terminal output that never runs lines together: a transient progress line on stderr is cleared before any other
// line is written (to stdout or stderr), and Node's own argument-parser messages become our one-line usage errors.

/** The escape that returns to the start of the line and erases it. */
export const CLEAR_LINE = '\r\x1b[2K';

export interface TerminalWriters {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal: progress is shown only there. */
  stderrIsTTY: boolean;
}

/** Writers that keep a progress line on a terminal's stderr apart from every other line. */
export function lineSafeWriters(out: TerminalWriters) {
  let progressShown = false;
  const clearProgress = () => {
    if (!progressShown) return;
    out.stderr(CLEAR_LINE);
    progressShown = false;
  };
  return {
    stdout(text: string): void {
      clearProgress();
      out.stdout(text);
    },
    stderr(text: string): void {
      clearProgress();
      out.stderr(text);
    },
    progress(line: string): void {
      if (!out.stderrIsTTY) return;
      out.stderr(`${CLEAR_LINE}${line}`);
      progressShown = true;
    },
    /** Before exit: no progress line left behind for the shell prompt to run into. */
    finish: clearProgress,
  };
}

/** One usage line for an error of Node's `util.parseArgs`, in the CLI's words; undefined for any other error. */
export function parseArgsUsage(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) return undefined;
  const message = (err as Error).message ?? '';
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return option ? `unknown option ${option}` : 'unknown option';
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (option && /does not take an argument/.test(message)) return `option ${option} takes no value`;
      if (option && /argument missing/.test(message)) return `option ${option} needs a value`;
      return option ? `bad value for option ${option}` : 'bad option value';
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const arg = /'([^']*)'/.exec(message)?.[1];
      return arg !== undefined ? `unexpected argument "${arg}"` : 'unexpected argument';
    }
    default:
      return 'bad arguments';
  }
}
