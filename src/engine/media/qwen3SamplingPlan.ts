/**
 * Frame plans for the Qwen3-VL-based models (Cosmos Reason 2, the Cosmos 3 reasoner): qwen-vl-utils' `fetch_video`
 * with `image_patch_size=16` — sides in multiples of 32, per-frame bounds 128·32² … 768·32², a default budget of
 * 128000·32²·0.9 — and the timestamps the Qwen3-VL processor writes into the prompt as text ("<1.3 seconds>"), one
 * per temporal patch of two frames, at the mean time of its first and last frame.
 */
import type { SamplingOptions, SamplingPlan } from '../../shared/video';
import type { FramePlanRules } from '../profiles/modelProfile';
import { smartNframes, FRAME_FACTOR, SamplingError, type SourceVideo } from './samplingPlan';
import { smartResize, torchLinspaceRound } from './smartResize';

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

function timesOf(source: SourceVideo, indices: readonly number[]): number[] {
  const known = source.frameTimes && source.frameTimes.length === source.frameCount ? source.frameTimes : undefined;
  return indices.map((i) => round6(known ? known[i]! : i / source.fps));
}

/** qwen-vl-utils (Qwen3-VL) `fetch_video` for a file, with the profile's factor and pixel bounds. */
export function planQwen3Sampling(source: SourceVideo, rules: FramePlanRules, options: SamplingOptions = {}): SamplingPlan {
  if (options.rule === 'reward') {
    throw new SamplingError('the reward frame rule belongs to Cosmos-Reason1-7B-Reward; Qwen3-VL models sample by fps (remove "video.sampling: reward")');
  }
  const withDefault = options.nframes === undefined ? { ...options, fps: options.fps ?? rules.defaultFps } : options;
  const n = smartNframes(withDefault, source.frameCount, source.fps);
  const indices = torchLinspaceRound(0, source.frameCount - 1, n);
  const minPixels = options.min_pixels ?? rules.minPixels;
  const totalPixels = options.total_pixels ?? rules.totalPixels;
  const budget = Math.max(Math.min(rules.maxPixels, (totalPixels / n) * FRAME_FACTOR), Math.trunc(minPixels * 1.05));
  const maxPixels = Math.min(options.max_pixels ?? budget, budget);
  const size = smartResize(source.height, source.width, rules.factor, minPixels, maxPixels);
  const sampleFps = (n / Math.max(source.frameCount, 1e-6)) * source.fps;
  return {
    rule: 'fps',
    target_fps: options.nframes !== undefined ? null : withDefault.fps ?? null,
    frames: n,
    frame_indices: indices,
    frame_times_s: timesOf(source, indices),
    width: size.width,
    height: size.height,
    source_width: source.width,
    source_height: source.height,
    resized_width: size.width,
    resized_height: size.height,
    // qwen-vl-utils resizes with torchvision for Qwen3-VL too; frame times reach the model as text, never drawn.
    resize_kernel: 'torchvision',
    timestamps: 'none',
    band_height: 0,
    sample_fps: sampleFps,
    second_per_grid_t: rules.temporalPatchSize / sampleFps,
    min_pixels: minPixels,
    max_pixels: maxPixels,
  };
}

/** A planner for the profile's family: Qwen2.5-VL keeps the existing planner (with the reward rule), Qwen3-VL this one. */
export function plannerFor(rules: FramePlanRules): ((source: SourceVideo, options: SamplingOptions) => SamplingPlan) | undefined {
  if (rules.factor === 28) return undefined;
  return (source, options) => planQwen3Sampling(source, rules, options);
}

/**
 * The seconds the Qwen3-VL processor gives each temporal patch (`_calculate_timestamps`): frame index / video fps,
 * an odd count padded with its last frame, then the mean of each patch's first and last frame.
 */
export function qwen3PatchTimestamps(frameIndices: readonly number[], videoFps: number, temporalPatchSize = 2): number[] {
  if (frameIndices.length === 0 || !(videoFps > 0)) return [];
  const padded = [...frameIndices];
  while (padded.length % temporalPatchSize !== 0) padded.push(padded[padded.length - 1]!);
  const seconds = padded.map((i) => i / videoFps);
  const out: number[] = [];
  for (let i = 0; i < seconds.length; i += temporalPatchSize) out.push((seconds[i]! + seconds[i + temporalPatchSize - 1]!) / 2);
  return out;
}

/** Python's `f"{x:.1f}"`: exact binary ties (0.25, 0.75) go to the even digit, where `toFixed` goes up. */
export function pythonFixed1(x: number): string {
  const exact = Math.abs(x).toFixed(20);
  const dot = exact.indexOf('.');
  if (/^50*$/.test(exact.slice(dot + 2))) {
    const tenths = Math.floor(Math.abs(x) * 10);
    const even = tenths % 2 === 0 ? tenths : tenths + 1;
    return `${x < 0 ? '-' : ''}${(even / 10).toFixed(1)}`;
  }
  return x.toFixed(1);
}

/** The text the processor puts before each temporal patch's visual tokens: "<0.3 seconds>". */
export function qwen3TimestampText(seconds: number): string {
  return `<${pythonFixed1(seconds)} seconds>`;
}

/**
 * The `size` the Hugging Face Qwen3-VL video processor reads (`shortest_edge` / `longest_edge` are pixel volumes over
 * frames × height × width, not edges), as NVIDIA's online client sends it: the per-frame minimum, the total budget.
 */
export function qwen3ProcessorSize(rules: FramePlanRules, options: SamplingOptions): { shortest_edge: number; longest_edge: number } {
  return { shortest_edge: options.min_pixels ?? rules.minPixels, longest_edge: options.total_pixels ?? rules.totalPixels };
}
