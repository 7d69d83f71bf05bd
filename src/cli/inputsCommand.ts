import { parseArgs } from 'node:util';
import { dumpModelInputs } from '../engine/inputs/modelInputs';
import { loadPrompt } from '../engine/evaluate/shippedPrompts';
import { locateFfmpeg } from '../engine/media/ffmpegTools';
import { openModelFolder } from '../engine/model/modelFolder';
import { TIME_RULES, type TimeRule } from '../engine/model/mropePositions';
import type { CliIo } from './cliIo';
import { UsageError } from './usageError';

export const INPUTS_HELP = `cosmos-critic inputs <video> --dump DIR [options]

Writes exactly what the model receives for one video and prompt, to compare with the reference pipeline
(tools/check_inputs.py runs the Hugging Face processor on the same video and prompt and prints every
difference):

  DIR/frames.rgb        uint8, N×H×W×3: the sampled frames after resize and any timestamp overlay
  DIR/pixel_values.f32  float32 little-endian, rows × 1176: the normalised patches (pixel_values_videos)
  DIR/inputs.json       frame_indices, frame_times_s, width, height, video_grid_thw, second_per_grid_t,
                        the time rule; with --model also the rendered chat text, input_ids, position_ids

Options:
  --prompt F             prompt name or *.prompt.md file (default: critic-detailed)
  --model DIR            a model folder: a converted one or the Hugging Face checkpoint itself (config,
                         tokenizer and preprocessor files; no weights are read)
  --time-rule R          float or truncate (default: the model folder's, else float)
  --ffmpeg-path DIR      folder holding ffmpeg and ffprobe (or set COSMOS_CRITIC_FFMPEG)`;

export async function inputsCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { prompt: { type: 'string' }, model: { type: 'string' }, dump: { type: 'string' }, 'time-rule': { type: 'string' }, 'ffmpeg-path': { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('inputs takes exactly one video');
  if (!values.dump) throw new UsageError('inputs needs --dump DIR: the folder to write frames.rgb, pixel_values.f32 and inputs.json to');
  const timeRule = values['time-rule'] as TimeRule | undefined;
  if (timeRule !== undefined && !TIME_RULES.includes(timeRule)) throw new UsageError(`--time-rule must be ${TIME_RULES.join(' or ')}, not ${timeRule}`);
  const prompt = loadPrompt(values.prompt ?? 'critic-detailed');
  const folder = values.model ? openModelFolder(values.model, 'fp32', false) : undefined;
  const tools = locateFfmpeg(values['ffmpeg-path'] ?? io.env.COSMOS_CRITIC_FFMPEG);
  const video = positionals[0]!;
  const inputs = await dumpModelInputs(video, prompt, tools, values.dump, {
    folder,
    timeRule,
    signal: io.signal,
    onProgress: (done, total) => io.progress(`${video}: frame ${done}/${total}`),
  });
  io.progress('');
  const [t, h, w] = inputs.video_grid_thw;
  io.stdout(
    `${inputs.frame_indices.length} frames ${inputs.width}x${inputs.height}, grid ${t}x${h}x${w}, second_per_grid_t ${inputs.second_per_grid_t}, time rule ${inputs.time_rule}` +
      (inputs.model ? `, ${inputs.model.input_ids.length} tokens` : '') +
      ` → ${values.dump}\n`,
  );
  return 0;
}
