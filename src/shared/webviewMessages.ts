import type { SamplingPlan, VideoMetadata, VideoProbe } from './video';

/** Extension host → player webview. */
export type ToPlayerMessage =
  /** Show a video and its sampling plan; `videoUri` is already a webview resource URI. */
  | { type: 'show'; probe: VideoProbe; videoUri: string }
  | { type: 'seek'; time_s: number };

/** Player webview → extension host. */
export type FromPlayerMessage =
  /** The webview script has loaded and can receive `show`. Sent on every (re)load. */
  | { type: 'ready' }
  /** The video element could not play the file; the host logs it. */
  | { type: 'playbackError'; code: number | null; message: string }
  /** Open the video with the operating system's default application. */
  | { type: 'openExternally' };

/** What the player webview keeps with `setState`, so a hidden-then-restored or reloaded panel comes back the same. */
export interface PlayerState {
  probe: VideoProbe;
  videoUri: string;
  current_time_s: number;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every(isFiniteNumber);
}

const METADATA_NUMBERS = [
  'size_bytes',
  'duration_s',
  'fps',
  'frame_count',
  'width',
  'height',
  'coded_width',
  'coded_height',
  'rotation',
  'bit_depth',
] as const satisfies readonly (keyof VideoMetadata)[];
const METADATA_STRINGS = ['path', 'container', 'video_codec', 'pixel_format'] as const satisfies readonly (keyof VideoMetadata)[];
const PLAN_NUMBERS = [
  'frames',
  'width',
  'height',
  'sample_fps',
  'second_per_grid_t',
  'min_pixels',
  'max_pixels',
] as const satisfies readonly (keyof SamplingPlan)[];

export function isVideoMetadata(value: unknown): value is VideoMetadata {
  return (
    isObject(value) &&
    METADATA_NUMBERS.every((key) => isFiniteNumber(value[key])) &&
    METADATA_STRINGS.every((key) => typeof value[key] === 'string') &&
    typeof value.variable_frame_rate === 'boolean' &&
    typeof value.has_audio === 'boolean' &&
    (value.audio_codec === null || typeof value.audio_codec === 'string')
  );
}

export function isSamplingPlan(value: unknown): value is SamplingPlan {
  return (
    isObject(value) &&
    (value.rule === 'fps' || value.rule === 'reward') &&
    (value.target_fps === null || isFiniteNumber(value.target_fps)) &&
    PLAN_NUMBERS.every((key) => isFiniteNumber(value[key])) &&
    isNumberArray(value.frame_indices) &&
    isNumberArray(value.frame_times_s)
  );
}

export function isVideoProbe(value: unknown): value is VideoProbe {
  return isObject(value) && isVideoMetadata(value.video) && isSamplingPlan(value.plan);
}

/** Validates a message received from the player webview; anything else gives `undefined`. */
export function parseFromPlayerMessage(value: unknown): FromPlayerMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openExternally':
      return { type: 'openExternally' };
    case 'playbackError':
      if ((value.code === null || isFiniteNumber(value.code)) && typeof value.message === 'string') {
        return { type: 'playbackError', code: value.code, message: value.message.slice(0, 1000) };
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Validates a message received by the player webview from the extension host. */
export function parseToPlayerMessage(value: unknown): ToPlayerMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'show':
      if (isVideoProbe(value.probe) && typeof value.videoUri === 'string') {
        return { type: 'show', probe: value.probe, videoUri: value.videoUri };
      }
      return undefined;
    case 'seek':
      return isFiniteNumber(value.time_s) && value.time_s >= 0 ? { type: 'seek', time_s: value.time_s } : undefined;
    default:
      return undefined;
  }
}

export function parsePlayerState(value: unknown): PlayerState | undefined {
  if (!isObject(value)) return undefined;
  if (!isVideoProbe(value.probe) || typeof value.videoUri !== 'string' || !isFiniteNumber(value.current_time_s)) {
    return undefined;
  }
  return { probe: value.probe, videoUri: value.videoUri, current_time_s: Math.max(0, value.current_time_s) };
}
