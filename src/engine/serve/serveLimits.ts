import { FPS_MAX_FRAMES } from '../media/samplingPlan';
import { ApiError, type ApiErrorCode } from './apiError';
import type { NumberRange } from './numberRange';

/** How much work one request may ask of `cosmos-critic serve`, and how many may wait. */
export interface ServeLimits {
  /** Most tokens one completion may generate (`max_tokens`). */
  maxTokens: number;
  /** Most frames in one video (a JPEG list, or the sampling plan of a video file). */
  maxFrames: number;
  /** Most pixels of one frame (each JPEG sent, and each sampled frame). */
  maxPixels: number;
  /** Highest `mm_processor_kwargs.fps`. */
  maxFps: number;
  /** Largest request body, bytes. */
  maxBodyBytes: number;
  /** Requests that may wait while one runs; more are answered 429. */
  maxQueue: number;
  /** Prompt + completion tokens the model may hold (its context, at most max_position_embeddings). */
  maxModelLen: number;
}

export const DEFAULT_SERVE_LIMITS: Omit<ServeLimits, 'maxModelLen'> = {
  maxTokens: 4096,
  maxFrames: FPS_MAX_FRAMES,
  // About 2048×1568: a 1080p frame fits (the reward rule keeps short clips at full size).
  maxPixels: 4096 * 28 * 28,
  maxFps: 30,
  maxBodyBytes: 64 * 1024 * 1024,
  maxQueue: 4,
};

/** The allowed range of each limit, for the flags that set them. */
export const SERVE_LIMIT_RANGES: Record<keyof ServeLimits, NumberRange> = {
  maxTokens: { min: 1, max: 1_000_000, integer: true },
  maxFrames: { min: 2, max: 100_000, integer: true },
  maxPixels: { min: 28 * 28, max: 100_000_000, integer: true },
  maxFps: { min: 0, max: 1000, exclusiveMin: true },
  maxBodyBytes: { min: 64 * 1024, max: 4 * 1024 ** 3, integer: true },
  maxQueue: { min: 0, max: 10_000, integer: true },
  maxModelLen: { min: 16, max: 10_000_000, integer: true },
};

/** The flag that sets each limit, named in the refusals so an operator knows what to change. */
export const SERVE_LIMIT_FLAGS: Record<keyof ServeLimits, string> = {
  maxTokens: '--max-tokens',
  maxFrames: '--max-frames',
  maxPixels: '--max-pixels',
  maxFps: '--max-fps',
  maxBodyBytes: '--max-body-mb',
  maxQueue: '--max-queue',
  maxModelLen: '--max-model-len',
};

const CODES: Record<keyof ServeLimits, ApiErrorCode> = {
  maxTokens: 'max_tokens_limit',
  maxFrames: 'frame_limit',
  maxPixels: 'pixel_limit',
  maxFps: 'fps_limit',
  maxBodyBytes: 'body_too_large',
  maxQueue: 'queue_full',
  maxModelLen: 'context_length_exceeded',
};

const STATUS: Partial<Record<keyof ServeLimits, number>> = { maxBodyBytes: 413, maxQueue: 429 };

/** The refusal of a request over one limit: which limit, its value, what was asked, and the flag that changes it. */
export function overLimit(limits: ServeLimits, limit: keyof ServeLimits, what: string, param: string | null = null): ApiError {
  return new ApiError(
    STATUS[limit] ?? 400,
    CODES[limit],
    `${what}: over this server's limit of ${limits[limit]}${limit === 'maxBodyBytes' ? ' bytes' : ''} (the server's operator can change it with ${SERVE_LIMIT_FLAGS[limit]})`,
    param,
  );
}
