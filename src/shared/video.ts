import type { ErrorCode } from './errorCodes';

/** What ffprobe tells us about a video, with rotation already applied to width/height. JSON-facing: snake_case. */
export interface VideoMetadata {
  path: string;
  size_bytes: number;
  container: string;
  duration_s: number;
  /** Average frame rate (frames / duration), what the reference readers report as the video's fps. */
  fps: number;
  frame_count: number;
  /** Displayed size: coded size with the display-matrix rotation applied. */
  width: number;
  height: number;
  coded_width: number;
  coded_height: number;
  rotation: number;
  video_codec: string;
  pixel_format: string;
  bit_depth: number;
  variable_frame_rate: boolean;
  has_audio: boolean;
  audio_codec: string | null;
}

/** How frames are chosen: qwen-vl-utils' fps rule, or the Cosmos-Reason1 reward model's interval rule. */
export type SamplingRule = 'fps' | 'reward';

/** How a sampled frame is resized from the decoded RGB: torchvision's antialiased bicubic (qwen-vl-utils) or Pillow's bicubic (the reward script). */
export type ResizeKernel = 'torchvision' | 'pillow';

/** `overlay`: each frame's time drawn on a black band under it (NVIDIA's timestamp aid); `none`: the frames as decoded. */
export type TimestampMode = 'none' | 'overlay';

/** The checkpoint processor's own pixel bounds (preprocessor_config.json), applied after the sampler as the processor does. */
export interface ProcessorPixels {
  min_pixels: number;
  max_pixels: number;
}

export interface SamplingOptions {
  rule?: SamplingRule;
  /** Target frames per second for the `fps` rule (the product default is 4). */
  fps?: number;
  min_frames?: number;
  max_frames?: number;
  /** Fixed frame count instead of fps (qwen-vl-utils `nframes`). */
  nframes?: number;
  min_pixels?: number;
  max_pixels?: number;
  total_pixels?: number;
  timestamps?: TimestampMode;
  /** Set from the model folder, never from a prompt file. */
  processor?: ProcessorPixels;
}

export interface SamplingPlan {
  rule: SamplingRule;
  /** Requested fps for the `fps` rule; null for the `reward` rule. */
  target_fps: number | null;
  frames: number;
  /** Indices into the decoded frame sequence (presentation order). */
  frame_indices: number[];
  /** Presentation time of each sampled frame, seconds from the first frame. */
  frame_times_s: number[];
  /** Size of the frames the model sees: after the sampler's resize, the timestamp band and the processor's bounds. */
  width: number;
  height: number;
  /** Size the frames are decoded at (display size, rotation applied). */
  source_width: number;
  source_height: number;
  /** The sampler's resize (qwen-vl-utils or the reward rule), before any band. */
  resized_width: number;
  resized_height: number;
  resize_kernel: ResizeKernel;
  timestamps: TimestampMode;
  /** Rows of the timestamp band under each frame (0 without an overlay). */
  band_height: number;
  /** fps the model is told the frames were sampled at (nframes / total * video fps, as the reference). */
  sample_fps: number;
  /** Seconds covered by one temporal grid step (temporal patch 2 / sample_fps), for M-RoPE. */
  second_per_grid_t: number;
  min_pixels: number;
  max_pixels: number;
}

export interface VideoProbe {
  video: VideoMetadata;
  plan: SamplingPlan;
}

/** One clear, user-facing failure for one input file, with its code (src/shared/errorCodes.ts). */
export interface FileError {
  file: string;
  message: string;
  code: ErrorCode;
}

export type ProbeOutcome = { ok: true; probe: VideoProbe } | { ok: false; error: FileError };

export const VIDEO_EXTENSIONS = ['mp4', 'mov', 'avi', 'webm', 'mkv', 'm4v'] as const;
