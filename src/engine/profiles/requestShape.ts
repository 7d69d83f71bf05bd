// Where each server reads the video options, per model family. Sent in the wrong place they are ignored without a
// word and the model sees other frames than planned — the most common silent failure of video serving.

import type { SamplingOptions, SamplingPlan, VideoMetadata } from '../../shared/video';
import { qwen3ProcessorSize } from '../media/qwen3SamplingPlan';
import type { ModelProfile } from './modelProfile';

/** The kind of OpenAI-compatible server: vLLM (and `cosmos-critic serve`, which speaks its dialect) or an NVIDIA NIM. */
export type ServerKind = 'vllm' | 'nim';

/**
 * How the video travels: our sampled frames as one `data:video/jpeg;base64,…` list, a URL the server reads itself
 * (`file://` or http(s)), or the whole file inline as `data:video/<type>;base64,…` (for servers that cannot see our disk).
 */
export type VideoInput = 'frames' | 'frames-png' | 'url' | 'file';
export const VIDEO_INPUTS: readonly VideoInput[] = ['frames', 'frames-png', 'url', 'file'];
/** Our own sampled frames (JPEG, or lossless PNG in the same `video/jpeg` data URL) rather than the clip. */
export const isFrames = (input: VideoInput): boolean => input === 'frames' || input === 'frames-png';

export interface VideoRequestFields {
  mm_processor_kwargs?: Record<string, unknown>;
  media_io_kwargs?: { video: Record<string, unknown> };
}

export class RequestShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestShapeError';
  }
}

/** Reason 1 (Qwen2.5-VL) on vLLM: everything in `mm_processor_kwargs` (at the top level it is ignored). */
function qwen25Fields(plan: SamplingPlan, v: SamplingOptions, input: VideoInput): VideoRequestFields {
  if (!isFrames(input) && plan.rule === 'reward') return { mm_processor_kwargs: { sampling: 'reward' } };
  // Frames carry their own timing (the sampled fps); a URL or file is sampled by the server at the prompt's rate.
  const rate = isFrames(input) ? { fps: plan.sample_fps } : v.nframes !== undefined ? { nframes: v.nframes } : { fps: plan.target_fps };
  return {
    mm_processor_kwargs: {
      ...rate,
      ...(v.max_pixels !== undefined && { max_pixels: v.max_pixels }),
      ...(v.min_pixels !== undefined && { min_pixels: v.min_pixels }),
      ...(v.total_pixels !== undefined && { total_pixels: v.total_pixels }),
      ...(v.max_frames !== undefined && { max_frames: v.max_frames }),
      ...(v.min_frames !== undefined && { min_frames: v.min_frames }),
    },
  };
}

/** The server samples the video itself: at the prompt's rate, or a fixed frame count. */
function serverSampling(plan: SamplingPlan, v: SamplingOptions, profile: ModelProfile): Record<string, unknown> {
  return v.nframes !== undefined ? { num_frames: v.nframes } : { fps: plan.target_fps ?? profile.frames.defaultFps };
}

/**
 * Qwen3-VL (Reason 2, Cosmos 3) on vLLM. Frames: the `video/jpeg` loader reads the source fps and frame indices from
 * `media_io_kwargs.video`, from which the processor writes each patch's timestamp; `size` pins our planned size so
 * the processor does not resize again, and `do_sample_frames: false` keeps every frame. URL or file: the processor
 * samples (`do_sample_frames: true`) at `fps` within `size` (pixel volumes over all frames), as NVIDIA's client
 * does; the server must load every frame (`--media-io-kwargs '{"video": {"num_frames": -1}}'`).
 */
function qwen3VllmFields(profile: ModelProfile, plan: SamplingPlan, video: VideoMetadata, v: SamplingOptions, input: VideoInput): VideoRequestFields {
  if (isFrames(input)) {
    const volume = plan.frames * plan.width * plan.height;
    return {
      media_io_kwargs: {
        video: { fps: video.fps, frames_indices: plan.frame_indices, total_num_frames: Math.max(video.frame_count, plan.frames), duration: video.duration_s },
      },
      mm_processor_kwargs: { do_sample_frames: false, size: { shortest_edge: volume, longest_edge: volume } },
    };
  }
  const sampling = serverSampling(plan, v, profile);
  return {
    mm_processor_kwargs: {
      ...sampling,
      do_sample_frames: true,
      size: qwen3ProcessorSize(profile.frames, v),
      ...(v.min_frames !== undefined && { min_frames: v.min_frames }),
      ...(v.max_frames !== undefined && { max_frames: v.max_frames }),
    },
  };
}

/** The Cosmos 3 reasoner NIM: a `video_url`, sampled by the NIM at `media_io_kwargs.video.fps`. */
function nimFields(profile: ModelProfile, plan: SamplingPlan, v: SamplingOptions, input: VideoInput): VideoRequestFields {
  if (isFrames(input)) {
    throw new RequestShapeError(
      'a NIM takes the video itself (video_url), not a list of frames: use --video-input file (the clip inline, the default for a NIM) or url (a URL the NIM can fetch); VS Code: cosmosCritic.videoInput',
    );
  }
  return { media_io_kwargs: { video: serverSampling(plan, v, profile) } };
}

/** The request fields that carry the video options for this profile, server and video input. */
export function videoRequestFields(profile: ModelProfile, server: ServerKind, plan: SamplingPlan, video: VideoMetadata, v: SamplingOptions, input: VideoInput): VideoRequestFields {
  if (profile.family === 'qwen2.5-vl') return qwen25Fields(plan, v, input);
  return server === 'nim' ? nimFields(profile, plan, v, input) : qwen3VllmFields(profile, plan, video, v, input);
}

/** The video input to use when none is chosen: our frames for vLLM, the file inline for a NIM. */
export function defaultVideoInput(server: ServerKind): VideoInput {
  return server === 'nim' ? 'file' : 'frames';
}

const VIDEO_TYPES: Readonly<Record<string, string>> = { mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', mkv: 'video/x-matroska', avi: 'video/x-msvideo' };

/** The MIME type for a video file's inline data URL. */
export function videoMimeType(path: string): string {
  return VIDEO_TYPES[/\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? ''] ?? 'video/mp4';
}
