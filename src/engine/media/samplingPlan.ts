import type { SamplingOptions, SamplingPlan } from '../../shared/video';
import { IMAGE_FACTOR, ceilByFactor, floorByFactor, roundByFactor, smartResize, torchLinspaceRound } from './smartResize';

// qwen-vl-utils 0.0.11 video constants.
export const FRAME_FACTOR = 2;
export const FPS_MIN_FRAMES = 4;
export const FPS_MAX_FRAMES = 768;
export const VIDEO_MIN_PIXELS = 128 * 28 * 28;
export const VIDEO_MAX_PIXELS = 768 * 28 * 28;
export const VIDEO_TOTAL_PIXELS = Math.trunc(128000 * 28 * 28 * 0.9);
/** The product's default sampling rate (NVIDIA's general inference setting); qwen-vl-utils' own default is 2. */
export const DEFAULT_FPS = 4;

// Cosmos-Reason1-7B-Reward's own rule.
export const REWARD_MAX_SAMPLED = 160;
export const REWARD_MAX_PIXELS = 9216 * 28 * 28 * 2;
export const REWARD_MIN_PIXELS = 16 * 28 * 28 * 2;

const TEMPORAL_PATCH = 2;

/** What the planner needs to know about the source. `frameTimes` are presentation times of every frame, if known. */
export interface SourceVideo {
  frameCount: number;
  fps: number;
  width: number;
  height: number;
  frameTimes?: readonly number[];
}

export class SamplingError extends Error {}

/** qwen-vl-utils `smart_nframes`. */
export function smartNframes(options: SamplingOptions, totalFrames: number, videoFps: number): number {
  let nframes: number;
  if (options.nframes !== undefined) {
    nframes = roundByFactor(options.nframes, FRAME_FACTOR);
  } else {
    const fps = options.fps ?? DEFAULT_FPS;
    const minFrames = ceilByFactor(options.min_frames ?? FPS_MIN_FRAMES, FRAME_FACTOR);
    const maxFrames = floorByFactor(options.max_frames ?? Math.min(FPS_MAX_FRAMES, totalFrames), FRAME_FACTOR);
    const wanted = (totalFrames / videoFps) * fps;
    nframes = floorByFactor(Math.min(Math.min(Math.max(wanted, minFrames), maxFrames), totalFrames), FRAME_FACTOR);
  }
  if (!(FRAME_FACTOR <= nframes && nframes <= totalFrames)) {
    throw new SamplingError(
      totalFrames < FRAME_FACTOR
        ? `the video has ${totalFrames} frame${totalFrames === 1 ? '' : 's'}; the model needs at least ${FRAME_FACTOR}`
        : `cannot sample ${nframes} frames from ${totalFrames} (frame count must lie in [${FRAME_FACTOR}, ${totalFrames}])`,
    );
  }
  return nframes;
}

function timesOf(source: SourceVideo, indices: readonly number[]): number[] {
  const known = source.frameTimes && source.frameTimes.length === source.frameCount ? source.frameTimes : undefined;
  return indices.map((i) => round6(known ? known[i]! : i / source.fps));
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** qwen-vl-utils `fetch_video` for a file: frame count, evenly spread indices, per-frame pixel budget, smart_resize. */
export function planFpsSampling(source: SourceVideo, options: SamplingOptions = {}): SamplingPlan {
  const n = smartNframes(options, source.frameCount, source.fps);
  const indices = torchLinspaceRound(0, source.frameCount - 1, n);
  const minPixels = options.min_pixels ?? VIDEO_MIN_PIXELS;
  const totalPixels = options.total_pixels ?? VIDEO_TOTAL_PIXELS;
  const budget = Math.max(Math.min(VIDEO_MAX_PIXELS, (totalPixels / n) * FRAME_FACTOR), Math.trunc(minPixels * 1.05));
  const maxPixels = Math.min(options.max_pixels ?? budget, budget);
  const size = smartResize(source.height, source.width, IMAGE_FACTOR, minPixels, maxPixels);
  const sampleFps = (n / Math.max(source.frameCount, 1e-6)) * source.fps;
  return {
    rule: 'fps',
    target_fps: options.nframes !== undefined ? null : options.fps ?? DEFAULT_FPS,
    frames: n,
    frame_indices: indices,
    frame_times_s: timesOf(source, indices),
    width: size.width,
    height: size.height,
    sample_fps: sampleFps,
    second_per_grid_t: TEMPORAL_PATCH / sampleFps,
    min_pixels: minPixels,
    max_pixels: maxPixels,
  };
}

/** Cosmos-Reason1-7B-Reward: every `interval`-th frame (at most ~160), an even count, a total pixel budget shared by the frames. */
export function planRewardSampling(source: SourceVideo, options: SamplingOptions = {}): SamplingPlan {
  const total = source.frameCount;
  const interval = Math.max(1, Math.floor((total - 1) / REWARD_MAX_SAMPLED) + 1);
  const indices: number[] = [];
  for (let i = 0; i < total; i += interval) indices.push(i);
  if (indices.length % 2 === 1) indices.pop();
  if (indices.length < FRAME_FACTOR) {
    throw new SamplingError(`the video has ${total} frame${total === 1 ? '' : 's'}; the reward model needs at least ${FRAME_FACTOR}`);
  }
  const minPixels = options.min_pixels ?? REWARD_MIN_PIXELS;
  const maxPixels = Math.floor((options.total_pixels ?? REWARD_MAX_PIXELS) / indices.length);
  const size = smartResize(source.height, source.width, IMAGE_FACTOR, minPixels, maxPixels);
  const sampleFps = source.fps / interval;
  return {
    rule: 'reward',
    target_fps: null,
    frames: indices.length,
    frame_indices: indices,
    frame_times_s: timesOf(source, indices),
    width: size.width,
    height: size.height,
    sample_fps: sampleFps,
    second_per_grid_t: TEMPORAL_PATCH / sampleFps,
    min_pixels: minPixels,
    max_pixels: maxPixels,
  };
}

export function planSampling(source: SourceVideo, options: SamplingOptions = {}): SamplingPlan {
  return (options.rule ?? 'fps') === 'reward' ? planRewardSampling(source, options) : planFpsSampling(source, options);
}
