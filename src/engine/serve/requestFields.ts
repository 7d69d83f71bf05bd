import type { SamplingOptions } from '../../shared/video';
import type { ChatMessage, ChatPart } from '../model/textTokenizer';
import { ApiError } from './apiError';
import { rangeProblem, type NumberRange } from './numberRange';
import { overLimit, type ServeLimits } from './serveLimits';

/** A chat-completions request after every field was checked. */
export interface CompletionRequest {
  model: string;
  chat: ChatMessage[];
  videoUrl: string;
  /** As asked (`max_completion_tokens` or `max_tokens`); absent: what the context leaves, up to the server's limit. */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  repetitionPenalty?: number;
  seed?: number;
  stream: boolean;
  logprobs: boolean;
  topLogprobs: number;
  sampling: SamplingOptions;
}

const invalid = (param: string, message: string) => new ApiError(400, 'invalid_value', message, param);

function optionalNumber(body: Record<string, unknown>, param: string, range: NumberRange): number | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  const problem = rangeProblem(param, value, range);
  if (problem) throw invalid(param, problem);
  return value as number;
}

function optionalBoolean(body: Record<string, unknown>, param: string): boolean {
  const value = body[param];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalid(param, `${param} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * A number that is also bounded by a server limit: above the limit it is that limit's refusal (with its own code),
 * otherwise out of range or of the wrong type it is `invalid_value`.
 */
function limitedNumber(limits: ServeLimits, limit: 'maxTokens' | 'maxFrames' | 'maxPixels', param: string, value: unknown, range: NumberRange, scale = 1): number {
  const max = limits[limit] * scale;
  if (typeof value === 'number' && Number.isFinite(value) && value > max) throw overLimit(limits, limit, `${param} is ${value}`, param);
  const problem = rangeProblem(param, value, { ...range, max });
  if (problem) throw invalid(param, problem);
  return value as number;
}

/** Chat messages in the template's shape, and the one video URL among them. */
function toChat(messages: unknown): { chat: ChatMessage[]; videoUrl: string } {
  if (!Array.isArray(messages) || messages.length === 0) throw invalid('messages', 'messages must be a non-empty array');
  const urls: string[] = [];
  const chat = messages.map((m: unknown, i): ChatMessage => {
    const message = (m ?? {}) as { role?: unknown; content?: unknown };
    const role = message.role;
    if (role !== 'system' && role !== 'user' && role !== 'assistant') throw invalid(`messages[${i}].role`, `messages[${i}].role must be "system", "user" or "assistant", got ${JSON.stringify(role)}`);
    if (typeof message.content === 'string') return { role, content: [{ type: 'text', text: message.content }] };
    if (!Array.isArray(message.content)) throw invalid(`messages[${i}].content`, `messages[${i}].content must be a string or an array of parts`);
    const content = message.content.map((p: unknown, j): ChatPart => {
      const part = (p ?? {}) as { type?: unknown; text?: unknown; video_url?: { url?: unknown } };
      if (part.type === 'text' && typeof part.text === 'string') return { type: 'text', text: part.text };
      if (part.type === 'video_url' && typeof part.video_url?.url === 'string') {
        urls.push(part.video_url.url);
        return { type: 'video' };
      }
      const param = `messages[${i}].content[${j}]`;
      if (part.type === 'image_url') throw invalid(param, 'images are not supported by this server: send the video (video_url)');
      if (part.type === 'text' || part.type === 'video_url') throw invalid(param, `${param}: a ${part.type} part needs ${part.type === 'text' ? 'a string "text"' : '"video_url": {"url": "…"}'}`);
      throw invalid(param, `unsupported content part type ${JSON.stringify(part.type)}: send "text" and "video_url" parts`);
    });
    return { role, content };
  });
  if (urls.length !== 1) throw invalid('messages', `exactly one video_url is required, got ${urls.length}`);
  return { chat, videoUrl: urls[0]! };
}

const KWARG_KEYS = ['sampling', 'fps', 'nframes', 'min_frames', 'max_frames', 'min_pixels', 'max_pixels', 'total_pixels'] as const;
/** The rate a frame list was sampled at, or a file is to be sampled at (the file rate is also held to --max-fps). */
const FPS_RANGE: NumberRange = { min: 0, max: 1000, exclusiveMin: true };

/** qwen-vl-utils-style options from `mm_processor_kwargs` (plus `sampling: "reward"` for the reward model's rule). */
export function samplingFromKwargs(kwargs: unknown, limits: ServeLimits): SamplingOptions {
  if (kwargs === undefined || kwargs === null) return { rule: 'fps' };
  if (typeof kwargs !== 'object' || Array.isArray(kwargs)) throw invalid('mm_processor_kwargs', 'mm_processor_kwargs must be an object');
  const k = kwargs as Record<string, unknown>;
  const unknown = Object.keys(k).filter((key) => !(KWARG_KEYS as readonly string[]).includes(key));
  if (unknown.length) throw invalid(`mm_processor_kwargs.${unknown[0]}`, `mm_processor_kwargs.${unknown[0]} is not understood; this server takes ${KWARG_KEYS.join(', ')}`);
  if (k.sampling !== undefined && k.sampling !== 'fps' && k.sampling !== 'reward') {
    throw invalid('mm_processor_kwargs.sampling', `mm_processor_kwargs.sampling must be "fps" or "reward", got ${JSON.stringify(k.sampling)}`);
  }
  const options: SamplingOptions = { rule: k.sampling === 'reward' ? 'reward' : 'fps' };
  const param = (key: string) => `mm_processor_kwargs.${key}`;
  if (k.fps !== undefined) {
    const problem = rangeProblem(param('fps'), k.fps, FPS_RANGE);
    if (problem) throw invalid(param('fps'), problem);
    options.fps = k.fps as number;
  }
  for (const key of ['nframes', 'min_frames', 'max_frames'] as const) {
    if (k[key] !== undefined) options[key] = limitedNumber(limits, 'maxFrames', param(key), k[key], { min: key === 'nframes' ? 2 : 1, max: 0, integer: true });
  }
  for (const key of ['min_pixels', 'max_pixels'] as const) {
    if (k[key] !== undefined) options[key] = limitedNumber(limits, 'maxPixels', param(key), k[key], { min: 1, max: 0, integer: true });
  }
  if (k.total_pixels !== undefined) options.total_pixels = limitedNumber(limits, 'maxPixels', param('total_pixels'), k.total_pixels, { min: 1, max: 0, integer: true }, limits.maxFrames);
  if (options.fps !== undefined && options.nframes !== undefined) delete options.fps;
  return options;
}

/** Checks a parsed chat-completions body; every refusal names the field, the value and what is allowed. */
export function validateRequest(raw: unknown, limits: ServeLimits, vocabSize: number, modelNames: readonly string[]): CompletionRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ApiError(400, 'invalid_json', `the request body must be a JSON object, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`);
  const body = raw as Record<string, unknown>;
  if (typeof body.model !== 'string') throw invalid('model', `model must be a string, got ${JSON.stringify(body.model ?? null)}`);
  if (!modelNames.includes(body.model)) {
    throw new ApiError(404, 'model_not_found', `model "${body.model}" does not exist; this server serves ${modelNames.map((n) => `"${n}"`).join(', ')}`, 'model');
  }
  const { chat, videoUrl } = toChat(body.messages);
  const tokensParam = body.max_completion_tokens !== undefined && body.max_completion_tokens !== null ? 'max_completion_tokens' : 'max_tokens';
  const asked = body[tokensParam];
  const maxTokens = asked === undefined || asked === null ? undefined : limitedNumber(limits, 'maxTokens', tokensParam, asked, { min: 1, max: 0, integer: true });
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw invalid('n', `n must be 1 (one choice per request), got ${JSON.stringify(body.n)}`);
  const topLogprobsRange: NumberRange = { min: 0, max: vocabSize, integer: true };
  const topLogprobs = optionalNumber(body, 'top_logprobs', topLogprobsRange) ?? 0;
  return {
    model: body.model,
    chat,
    videoUrl,
    maxTokens,
    temperature: optionalNumber(body, 'temperature', { min: 0, max: 2 }),
    topP: optionalNumber(body, 'top_p', { min: 0, max: 1, exclusiveMin: true }),
    // vLLM's -1 (and 0) mean "no top-k".
    topK: optionalNumber(body, 'top_k', { min: -1, max: vocabSize, integer: true }),
    repetitionPenalty: optionalNumber(body, 'repetition_penalty', { min: 0, max: 10, exclusiveMin: true }),
    seed: optionalNumber(body, 'seed', { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, integer: true }),
    stream: optionalBoolean(body, 'stream'),
    logprobs: optionalBoolean(body, 'logprobs'),
    topLogprobs,
    sampling: samplingFromKwargs(body.mm_processor_kwargs, limits),
  };
}
