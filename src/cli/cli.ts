import { FfmpegNotFoundError } from '../engine/media/ffmpegTools';
import { VideoInputError } from '../engine/media/videoInputError';
import type { CliIo } from './cliIo';
import { BATCH_HELP, batchCommand } from './batchCommand';
import { CRITIQUE_HELP, critiqueCommand } from './critiqueCommand';
import { INPUTS_HELP, inputsCommand } from './inputsCommand';
import { EVAL_HELP, evalCommand } from './evalCommand';
import { PARSE_HELP, parseCommand } from './parseCommand';
import { PROMPT_HELP, promptCommand } from './promptCommand';
import { PROBE_HELP, probeCommand } from './probeCommand';
import { REPORT_HELP, reportCommand } from './reportCommand';
import { SCORE_HELP, scoreCommand } from './scoreCommand';
import { SERVE_HELP, serveCommand } from './serveCommand';
import { redactSecrets } from '../shared/redactSecrets';
import { UsageError } from './usageError';
import { lineSafeWriters, parseArgsUsage } from './terminalLines';

declare const PACKAGE_VERSION: string | undefined;

const HELP = `cosmos-critic — judge videos for physical plausibility with NVIDIA Cosmos Reason

Usage: cosmos-critic <command> [options]

Commands:
  probe <video…>    what ffprobe and the frame sampler see, as JSON
  parse <answer…>   saved critic answers → critic score, violations and analysis, as JSON
  score <video…>    reward score (0–1, higher = more physically plausible) per video
  critique <video>  chain-of-thought critique with violations and their times
  batch <dir|glob…> every video × prompt, with results, manifest and summary on disk (resumable)
  report <dir>      statistics, CSV or a single-file HTML report of a results folder
  eval <dir>        agreement with your labels: ROC AUC, calibration, bands, violation times
  serve             the local model as an OpenAI-compatible server
  inputs <video>    dump exactly what the model receives (frames, pixel values, tokens, positions)
  prompt import F   NVIDIA's prompt files (critic YAML, reward script, text) → *.prompt.md, verbatim

Run "cosmos-critic <command> --help" for a command's options.
Exit codes: 0 success, 1 a video failed (the others are still processed), 2 bad usage.`;

const COMMANDS: Record<string, { run: (args: string[], io: CliIo) => Promise<number>; help: string }> = {
  probe: { run: probeCommand, help: PROBE_HELP },
  parse: { run: parseCommand, help: PARSE_HELP },
  score: { run: scoreCommand, help: SCORE_HELP },
  critique: { run: critiqueCommand, help: CRITIQUE_HELP },
  serve: { run: serveCommand, help: SERVE_HELP },
  batch: { run: batchCommand, help: BATCH_HELP },
  report: { run: reportCommand, help: REPORT_HELP },
  inputs: { run: inputsCommand, help: INPUTS_HELP },
  prompt: { run: promptCommand, help: PROMPT_HELP },
  eval: { run: evalCommand, help: EVAL_HELP },
};

function errorLine(err: unknown, file?: string): string {
  if (err instanceof VideoInputError || err instanceof FfmpegNotFoundError) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  return redactSecrets(file && !message.includes(file) ? `${file}: ${message}` : message, [process.env.COSMOS_CRITIC_API_KEY]);
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(HELP + '\n');
    return command ? 0 : 2;
  }
  if (command === '--version') {
    io.stdout(`${typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : 'dev'}\n`);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    io.reportError(new UsageError(`unknown command "${command}". Run "cosmos-critic --help" for the list`));
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(entry.help + '\n');
    return 0;
  }
  try {
    return await entry.run(rest, io);
  } catch (err) {
    const parseArgs = parseArgsUsage(err);
    const usage = err instanceof UsageError || parseArgs !== undefined;
    io.reportError(usage ? new UsageError(`${parseArgs ?? (err as Error).message}. Run "cosmos-critic ${command} --help"`) : err);
    return usage ? 2 : 1;
  }
}

function processIo(): CliIo {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    controller.abort();
    process.exitCode = 130;
  });
  // A run stopped by its scheduler (SIGTERM) or a closed terminal (SIGHUP) ends as a cancel: its manifest says so.
  process.once('SIGTERM', () => {
    controller.abort();
    process.exitCode = 143;
  });
  process.once('SIGHUP', () => {
    controller.abort();
    process.exitCode = 129;
  });
  const lines = lineSafeWriters({ stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), stderrIsTTY: Boolean(process.stderr.isTTY) });
  process.once('exit', lines.finish);
  return {
    stdout: lines.stdout,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    log: (line) => lines.stderr(`${new Date().toISOString()} ${line}\n`),
    progress: lines.progress,
    env: process.env,
    signal: controller.signal,
    reportError(err, file) {
      lines.stderr(`cosmos-critic: ${errorLine(err, file)}\n`);
      if (process.env.COSMOS_CRITIC_DEBUG && err instanceof Error && err.stack) lines.stderr(err.stack + '\n');
    },
  };
}

if (require.main === module) {
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = process.exitCode ?? code;
    },
    (err: unknown) => {
      process.stderr.write(`cosmos-critic: ${errorLine(err)}\n`);
      process.exitCode = 1;
    },
  );
}
