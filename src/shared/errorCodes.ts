// Why a request failed, as a code that crosses the server boundary beside the message. The client picks its
// actions (which setting to open) by code, never by reading the text.

export const ERROR_CODES = [
  /** ffmpeg or ffprobe is not where the settings say, or lacks a filter a prompt needs: cosmosCritic.ffmpegPath. */
  'ffmpeg-missing',
  /** No local model is set, or its folder cannot be loaded: cosmosCritic.modelPath. */
  'model-missing',
  /** The model cannot run this prompt or profile (a reward prompt on a Qwen3-VL model, an unknown profile). */
  'model-mismatch',
  /** The video cannot be read: missing, empty, truncated, not a video, no decodable stream. */
  'video-unreadable',
  /** The prompt file is invalid, missing or of the other mode. */
  'prompt-invalid',
  /** No OpenAI-compatible server could be reached (down, wrong URL, timed out). */
  'backend-unreachable',
  /** A server answered but refused the request or the key, or answered without what the prompt needs. */
  'backend-refused',
  /** A request's own parameters are out of range (a client bug, not the user's input). */
  'request-invalid',
  /** A result or failure record could not be written (disk full, read-only, no permission): cosmosCritic.resultsDir. */
  'output-unwritable',
  /** The critic server stopped while the request ran. */
  'server-stopped',
  /** The user cancelled. */
  'cancelled',
  /** Anything else: a bug; the message says what happened. */
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** A failure as it crosses the server boundary: what kind (for the client's actions) and the one line to show. */
export interface CodedError {
  code: ErrorCode;
  message: string;
}
