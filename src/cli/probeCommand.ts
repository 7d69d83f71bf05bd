import { parseArgs } from 'node:util';
import { locateFfmpeg } from '../engine/media/ffmpegTools';
import { probeVideo } from '../engine/media/probeVideo';
import { plannerFor, qwen3PatchTimestamps, qwen3TimestampText } from '../engine/media/qwen3SamplingPlan';
import { MODEL_PROFILES } from '../engine/profiles/modelProfile';
import { parseProfileChoice, ProfileError } from '../engine/profiles/resolveProfile';
import { SAMPLING_FLAGS_HELP, SAMPLING_FLAG_SPECS, samplingOptionsFrom } from './samplingFlags';
import { UsageError } from './usageError';
import type { CliIo } from './cliIo';

export const PROBE_HELP = `cosmos-critic probe <video…> [options]

Prints, for each video, one JSON object with what ffprobe sees (duration, fps, frame count, size with
rotation applied, codecs, audio) and the frame-sampling plan the model would get (frame indices, frame
times in seconds, width, height, frame count). One line per video; --pretty indents.

Options:
${SAMPLING_FLAGS_HELP}
  --profile P            plan for this model profile: reason1 (default), reason1-reward, reason2, cosmos3-reasoner
                         (Qwen3-VL: sides in multiples of 32; adds the "timestamps" the processor writes per patch)
  --pretty               indent the JSON (default when writing to a terminal)
  --ffmpeg-path P        folder holding ffmpeg and ffprobe (or set COSMOS_CRITIC_FFMPEG)`;

export async function probeCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...SAMPLING_FLAG_SPECS, profile: { type: 'string' }, pretty: { type: 'boolean' }, 'ffmpeg-path': { type: 'string' } },
  });
  if (positionals.length === 0) throw new UsageError('probe needs at least one video');
  const sampling = samplingOptionsFrom(values);
  let profileId: ReturnType<typeof parseProfileChoice>;
  try {
    profileId = parseProfileChoice(values.profile, '--profile');
  } catch (err) {
    throw new UsageError((err as ProfileError).message);
  }
  const profile = profileId ? MODEL_PROFILES[profileId] : null;
  const planner = profile ? plannerFor(profile.frames) : undefined;
  const tools = locateFfmpeg(values['ffmpeg-path'] ?? io.env.COSMOS_CRITIC_FFMPEG);
  const indent = (values.pretty ?? io.stdoutIsTTY) ? 2 : undefined;
  let failed = 0;
  for (const path of positionals) {
    try {
      const probe = await probeVideo(path, tools, sampling, io.signal, planner);
      const timestamps =
        profile?.frames.timestamps === 'text'
          ? { profile: profile.id, timestamps: qwen3PatchTimestamps(probe.plan.frame_indices, probe.video.fps).map(qwen3TimestampText) }
          : profile
            ? { profile: profile.id }
            : {};
      io.stdout(JSON.stringify({ ...probe, ...timestamps }, null, indent) + '\n');
    } catch (err) {
      failed++;
      io.reportError(err, path);
    }
  }
  return failed > 0 ? 1 : 0;
}
