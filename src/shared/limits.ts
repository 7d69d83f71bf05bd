// The one table of bounds on numbers that come from outside: CLI flags, prompt-file fields and VS Code settings
// (package.json's `minimum`/`maximum` must match; a test checks it). Each bound keeps the work a value asks for
// finite: memory, processes, requests and tokens.

export interface Limit {
  min: number;
  max: number;
  /** Whole numbers only. */
  integer: boolean;
  /** `min` itself is not allowed (fps > 0). */
  minExclusive?: boolean;
}

const int = (min: number, max: number): Limit => ({ min, max, integer: true });
const real = (min: number, max: number, minExclusive = false): Limit => ({ min, max, integer: false, ...(minExclusive && { minExclusive }) });

/** 16384·28·28: qwen-vl-utils' largest frame area. */
const MAX_FRAME_PIXELS = 16384 * 28 * 28;
/** 128000·28·28: qwen-vl-utils' video pixel budget before its 0.9 safety factor. */
const MAX_TOTAL_PIXELS = 128000 * 28 * 28;

/** Tokens of prompt, video and answer together that a job may ask the model for (Cosmos Reason serves 32768). */
export const MAX_CONTEXT_TOKENS = 32768;

export const LIMITS = {
  // Jobs
  concurrency: int(1, 64),
  batchSize: int(0, 256),
  trials: int(1, 64),
  // Generation (the models' context is 32768 tokens)
  maxNewTokens: int(1, MAX_CONTEXT_TOKENS),
  seed: int(0, 2 ** 32 - 1),
  temperature: real(0, 10),
  topK: int(0, 1_000_000),
  topP: real(0, 1, true),
  repetitionPenalty: real(0, 10, true),
  // Frame sampling
  fps: real(0, 120, true),
  nframes: int(2, 2048),
  frames: int(1, 2048),
  framePixels: int(1, MAX_FRAME_PIXELS),
  totalPixels: int(1, MAX_TOTAL_PIXELS),
  // Backends
  timeoutS: real(0, 86_400, true),
  topLogprobs: int(2, 1000),
  cudaDevice: int(0, 63),
  workers: int(1, 64),
  // Editor
  liveRerunDelayMs: int(200, 60_000),
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/** Largest prompt file read (bytes of UTF-8): the text goes to the model, whose context holds about 128 KB of text. */
export const MAX_PROMPT_FILE_BYTES = 64 * 1024;
/** Largest result file `report` and the results browser read. */
export const MAX_RESULT_FILE_BYTES = 16 * 1024 * 1024;

/** "a whole number from 1 to 64", "a number more than 0 and at most 120". */
export function describeLimit(limit: Limit): string {
  const kind = limit.integer ? 'a whole number' : 'a number';
  const low = limit.minExclusive ? `more than ${limit.min}` : `from ${limit.min}`;
  return limit.minExclusive ? `${kind} ${low} and at most ${limit.max}` : `${kind} ${low} to ${limit.max}`;
}

/** Whether a value is inside a limit. */
export function withinLimit(value: number, limit: Limit): boolean {
  if (!Number.isFinite(value) || (limit.integer && !Number.isInteger(value))) return false;
  return (limit.minExclusive ? value > limit.min : value >= limit.min) && value <= limit.max;
}
