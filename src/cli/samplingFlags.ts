import type { SamplingOptions } from '../shared/video';
import { LIMITS } from '../shared/limits';
import { numberFlag } from './numberFlag';
import { UsageError } from './usageError';

/** parseArgs option specs for the frame-sampling flags shared by every command that reads video. */
export const SAMPLING_FLAG_SPECS = {
  sampling: { type: 'string' },
  fps: { type: 'string' },
  nframes: { type: 'string' },
  'min-frames': { type: 'string' },
  'max-frames': { type: 'string' },
  'min-pixels': { type: 'string' },
  'max-pixels': { type: 'string' },
  'total-pixels': { type: 'string' },
} as const;

export const SAMPLING_FLAGS_HELP = `  --sampling fps|reward  frame-sampling rule: qwen-vl-utils fps (default) or the reward model's interval rule
  --fps N                frames per second to sample (default 4)
  --nframes N            a fixed number of frames instead of --fps
  --min-frames N         lower bound on sampled frames (default 4)
  --max-frames N         upper bound on sampled frames (default 768)
  --min-pixels N         lower bound on pixels per frame
  --max-pixels N         upper bound on pixels per frame
  --total-pixels N       pixel budget shared by all frames`;

type Values = Partial<Record<keyof typeof SAMPLING_FLAG_SPECS, string>>;

export function samplingOptionsFrom(values: Values): SamplingOptions {
  const rule = values.sampling ?? 'fps';
  if (rule !== 'fps' && rule !== 'reward') throw new UsageError(`--sampling must be "fps" or "reward", got "${rule}"`);
  if (values.fps !== undefined && values.nframes !== undefined) throw new UsageError('give either --fps or --nframes, not both');
  const options: SamplingOptions = { rule };
  const set = <K extends keyof SamplingOptions>(key: K, value: SamplingOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('fps', numberFlag('fps', values.fps, LIMITS.fps));
  set('nframes', numberFlag('nframes', values.nframes, LIMITS.nframes));
  set('min_frames', numberFlag('min-frames', values['min-frames'], LIMITS.frames));
  set('max_frames', numberFlag('max-frames', values['max-frames'], LIMITS.frames));
  set('min_pixels', numberFlag('min-pixels', values['min-pixels'], LIMITS.framePixels));
  set('max_pixels', numberFlag('max-pixels', values['max-pixels'], LIMITS.framePixels));
  set('total_pixels', numberFlag('total-pixels', values['total-pixels'], LIMITS.totalPixels));
  return options;
}
