import type { SamplingOptions } from '../shared/video';
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

function positive(name: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
  }
  return value;
}

export function samplingOptionsFrom(values: Values): SamplingOptions {
  const rule = values.sampling ?? 'fps';
  if (rule !== 'fps' && rule !== 'reward') throw new UsageError(`--sampling must be "fps" or "reward", got "${rule}"`);
  if (values.fps !== undefined && values.nframes !== undefined) throw new UsageError('give either --fps or --nframes, not both');
  const options: SamplingOptions = { rule };
  const set = <K extends keyof SamplingOptions>(key: K, value: SamplingOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('fps', positive('fps', values.fps, false));
  set('nframes', positive('nframes', values.nframes, true));
  set('min_frames', positive('min-frames', values['min-frames'], true));
  set('max_frames', positive('max-frames', values['max-frames'], true));
  set('min_pixels', positive('min-pixels', values['min-pixels'], true));
  set('max_pixels', positive('max-pixels', values['max-pixels'], true));
  set('total_pixels', positive('total-pixels', values['total-pixels'], true));
  return options;
}
