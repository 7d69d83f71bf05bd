// The one module that touches fluent-ffmpeg (archived upstream): replace it here and nothing else changes.
import ffmpeg from 'fluent-ffmpeg';
import { PassThrough, type Readable } from 'node:stream';

export interface RunningFfmpeg {
  /** The muxed output (what ffmpeg writes to stdout). */
  output: Readable;
  /** Settles when ffmpeg exits: resolves on success, rejects with its last error line otherwise. */
  done: Promise<void>;
  kill(): void;
}

export interface FfmpegJob {
  ffmpegPath: string;
  input: string;
  inputOptions?: string[];
  /** Output options as separate tokens (e.g. ['-vf', 'scale=64:64']); none may contain a space. */
  outputOptions: string[];
  format: string;
  /** Bytes buffered between ffmpeg and the reader; a frame or two keeps ffmpeg from stalling on a small pipe. */
  bufferBytes?: number;
}

export class FfmpegFailedError extends Error {
  constructor(readonly lastLine: string) {
    super(lastLine);
    this.name = 'FfmpegFailedError';
  }
}

function lastMeaningfulLine(stderr: string | null, fallback: string): string {
  const lines = (stderr ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.pop() ?? fallback;
}

/** Starts ffmpeg writing to a pipe. The caller reads `output` (backpressure applies) and awaits `done`. */
export function startFfmpeg(job: FfmpegJob): RunningFfmpeg {
  let killed = false;
  const command = ffmpeg(job.input, { stdoutLines: 0 })
    .setFfmpegPath(job.ffmpegPath)
    .inputOptions(['-nostdin', '-hide_banner', '-v', 'error', ...(job.inputOptions ?? [])])
    .outputOptions(job.outputOptions)
    .format(job.format);
  const output = new PassThrough({ highWaterMark: job.bufferBytes ?? 1 << 20 });
  let outputEnded = false;
  output.once('end', () => (outputEnded = true));
  const done = new Promise<void>((resolve, reject) => {
    command.on('end', () => resolve());
    command.on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
      // fluent-ffmpeg reports "Output stream closed" when ffmpeg has not exited 20 ms after closing its output, which
      // happens on a loaded machine; once every byte of that output was read, the work is done.
      if (killed || (outputEnded && err.message === 'Output stream closed')) resolve();
      else reject(new FfmpegFailedError(lastMeaningfulLine(stderr, err.message)));
    });
  });
  command.pipe(output, { end: true });
  return {
    output,
    done,
    kill() {
      killed = true;
      command.kill('SIGKILL');
    },
  };
}
