import { parseArgs } from 'node:util';
import { locateFfmpeg } from '../engine/media/ffmpegTools';
import { probeVideo } from '../engine/media/probeVideo';
import { SAMPLING_FLAGS_HELP, SAMPLING_FLAG_SPECS, samplingOptionsFrom } from './samplingFlags';
import { UsageError } from './usageError';
import type { CliIo } from './cliIo';

export const PROBE_HELP = `cosmos-critic probe <video…> [options]

Prints, for each video, one JSON object with what ffprobe sees (duration, fps, frame count, size with
rotation applied, codecs, audio) and the frame-sampling plan the model would get (frame indices, frame
times in seconds, width, height, frame count). One line per video; --pretty indents.

Options:
${SAMPLING_FLAGS_HELP}
  --pretty               indent the JSON (default when writing to a terminal)
  --ffmpeg-path P        folder holding ffmpeg and ffprobe (or set COSMOS_CRITIC_FFMPEG)`;

export async function probeCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...SAMPLING_FLAG_SPECS, pretty: { type: 'boolean' }, 'ffmpeg-path': { type: 'string' } },
  });
  if (positionals.length === 0) throw new UsageError('probe needs at least one video');
  const sampling = samplingOptionsFrom(values);
  const tools = locateFfmpeg(values['ffmpeg-path'] ?? io.env.COSMOS_CRITIC_FFMPEG);
  const indent = (values.pretty ?? io.stdoutIsTTY) ? 2 : undefined;
  let failed = 0;
  for (const path of positionals) {
    try {
      const probe = await probeVideo(path, tools, sampling, io.signal);
      io.stdout(JSON.stringify(probe, null, indent) + '\n');
    } catch (err) {
      failed++;
      io.reportError(err, path);
    }
  }
  return failed > 0 ? 1 : 0;
}
