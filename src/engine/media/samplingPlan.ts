import type { ProcessorPixels, ResizeKernel, SamplingOptions, SamplingPlan, SamplingRule } from '../../shared/video';
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
/** NVIDIA's timestamp overlay (cosmos_reason1_utils OverlayConfig): a 28-row black band under each frame. */
export const TIMESTAMP_BAND_HEIGHT = 28;

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
  const sampleFps = (n / Math.max(source.frameCount, 1e-6)) * source.fps;
  return framePlan('fps', options.nframes !== undefined ? null : options.fps ?? DEFAULT_FPS, source, indices, sampleFps, minPixels, maxPixels, options);
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
  const sampleFps = bannerFps(source.fps) / interval;
  return framePlan('reward', null, source, indices, sampleFps, minPixels, maxPixels, options);
}

/**
 * The frame rate as ffmpeg's banner prints it (`print_fps`: two decimals unless whole), which is what the reward
 * script reads through mediapy: 24000/1001 becomes 23.98.
 */
export function bannerFps(fps: number): number {
  const hundredths = Math.round(fps * 100);
  if (hundredths === 0) return Number(fps.toFixed(4));
  if (hundredths % 100 !== 0) return Number(fps.toFixed(2));
  return Math.round(fps);
}

/**
 * The sampler's size within [minPixels, maxPixels]; with a band under the frame, the largest size whose frame plus
 * band still fits maxPixels, so the overlay costs no tokens beyond the budget.
 */
export function frameSizeWithin(source: Pick<SourceVideo, 'width' | 'height'>, minPixels: number, maxPixels: number, band: number): { width: number; height: number } {
  let size = smartResize(source.height, source.width, IMAGE_FACTOR, minPixels, maxPixels);
  let budget = maxPixels;
  for (let i = 0; i < 64 && band > 0 && (size.height + band) * size.width > maxPixels; i++) {
    budget = Math.floor((budget * size.height) / (size.height + band));
    size = smartResize(source.height, source.width, IMAGE_FACTOR, Math.min(minPixels, budget), budget);
  }
  return size;
}

const KERNEL: Record<SamplingRule, ResizeKernel> = { fps: 'torchvision', reward: 'pillow' };

function framePlan(
  rule: SamplingRule,
  targetFps: number | null,
  source: SourceVideo,
  indices: number[],
  sampleFps: number,
  minPixels: number,
  maxPixels: number,
  options: SamplingOptions,
): SamplingPlan {
  const timestamps = options.timestamps ?? 'none';
  const band = timestamps === 'overlay' ? TIMESTAMP_BAND_HEIGHT : 0;
  const resized = frameSizeWithin(source, minPixels, maxPixels, band);
  // The checkpoint's processor runs smart_resize again on what it is given (frame + band) with its own bounds.
  const seen = options.processor
    ? smartResize(resized.height + band, resized.width, IMAGE_FACTOR, options.processor.min_pixels, options.processor.max_pixels)
    : { height: resized.height + band, width: resized.width };
  return {
    rule,
    target_fps: targetFps,
    frames: indices.length,
    frame_indices: indices,
    frame_times_s: timesOf(source, indices),
    width: seen.width,
    height: seen.height,
    source_width: source.width,
    source_height: source.height,
    resized_width: resized.width,
    resized_height: resized.height,
    resize_kernel: KERNEL[rule],
    timestamps,
    band_height: band,
    sample_fps: sampleFps,
    second_per_grid_t: TEMPORAL_PATCH / sampleFps,
    min_pixels: minPixels,
    max_pixels: maxPixels,
  };
}

/** The processor's bounds of a Qwen2.5-VL checkpoint (preprocessor_config.json), when a model folder does not say. */
export const QWEN25_PROCESSOR_PIXELS: ProcessorPixels = { min_pixels: 3136, max_pixels: 12845056 };

/**
 * A frame list as an OpenAI-compatible server receives it (vLLM's `video/jpeg` data URL): every frame is used, the
 * frames are already sampled, so only the processor's own `smart_resize` with its bounds applies — not
 * qwen-vl-utils' per-frame budget, which the sender has already applied.
 */
export function planFrameList(count: number, fps: number, width: number, height: number, processor: ProcessorPixels = QWEN25_PROCESSOR_PIXELS): SamplingPlan {
  if (count < FRAME_FACTOR) throw new SamplingError(`the frame list has ${count} frame${count === 1 ? '' : 's'}; the model needs at least ${FRAME_FACTOR}`);
  const size = smartResize(height, width, IMAGE_FACTOR, processor.min_pixels, processor.max_pixels);
  const indices = Array.from({ length: count }, (_, i) => i);
  return {
    rule: 'fps',
    target_fps: null,
    frames: count,
    frame_indices: indices,
    frame_times_s: indices.map((i) => round6(i / fps)),
    width: size.width,
    height: size.height,
    source_width: width,
    source_height: height,
    resized_width: size.width,
    resized_height: size.height,
    resize_kernel: 'torchvision',
    timestamps: 'none',
    band_height: 0,
    sample_fps: fps,
    second_per_grid_t: TEMPORAL_PATCH / fps,
    min_pixels: processor.min_pixels,
    max_pixels: processor.max_pixels,
  };
}

export function planSampling(source: SourceVideo, options: SamplingOptions = {}): SamplingPlan {
  return (options.rule ?? 'fps') === 'reward' ? planRewardSampling(source, options) : planFpsSampling(source, options);
}
