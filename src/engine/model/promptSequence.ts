import type { LocalModel } from './localModel';
import type { ChatMessage, TextTokenizer } from './textTokenizer';
import { ropePositions, type RopePositions, type TimeRule } from './mropePositions';
import { MAX_CONTEXT_TOKENS } from '../../shared/limits';

/** The prompt as the decoder sees it: token ids with the video expanded, embeddings with vision features merged in. */
export interface PromptSequence {
  ids: number[];
  embeds: Float32Array;
  positions: RopePositions;
  videoStart: number;
  videoTokens: number;
}

export interface VideoFeatures {
  features: Float32Array;
  /** `video_grid_thw` before the spatial merge. */
  grid: [number, number, number];
  secondPerGridT: number;
}

/**
 * Renders system + user(video, text) with the model's chat template, expands the single `<|video_pad|>` into one pad
 * per vision feature (as the Hugging Face processor does), embeds the tokens and overwrites the pads' embeddings with
 * the vision features.
 */
export function buildPromptSequence(model: LocalModel, system: string, user: string, video: VideoFeatures): Promise<PromptSequence> {
  return buildChatSequence(model, promptMessages(system, user), video);
}

/** The prompt's token ids with the video expanded to one pad per vision feature, and their M-RoPE positions. */
export interface PromptTokens {
  /** The chat text as the model's template renders it (one video placeholder). */
  text: string;
  ids: number[];
  positions: RopePositions;
  videoStart: number;
  videoTokens: number;
}

export interface TokenSettings {
  videoTokenId: number;
  spatialMergeSize: number;
  tokensPerSecond: number;
  timeRule: TimeRule;
}

/** The messages of one job: the system text, then the user turn with the video before the text, as NVIDIA's scripts send them. */
export function promptMessages(system: string, user: string): ChatMessage[] {
  return [
    { role: 'system', content: [{ type: 'text', text: system }] },
    { role: 'user', content: [{ type: 'video' }, { type: 'text', text: user }] },
  ];
}

/** Renders the chat and expands the single `<|video_pad|>` as the Hugging Face processor does. No model weights needed. */
export function promptTokens(tokenizer: TextTokenizer, settings: TokenSettings, messages: ChatMessage[], grid: readonly [number, number, number], secondPerGridT: number): PromptTokens {
  const { videoTokenId, spatialMergeSize, tokensPerSecond, timeRule } = settings;
  const text = tokenizer.renderChat(messages);
  const rendered = tokenizer.encode(text);
  const padAt = rendered.indexOf(videoTokenId);
  if (padAt < 0 || rendered.indexOf(videoTokenId, padAt + 1) >= 0) {
    throw new Error('the chat template must render exactly one video placeholder (<|vision_start|><|video_pad|><|vision_end|>)');
  }
  const [t, h, w] = grid;
  const mergedH = h / spatialMergeSize;
  const mergedW = w / spatialMergeSize;
  const videoTokens = t * mergedH * mergedW;
  const length = rendered.length - 1 + videoTokens;
  if (length > MAX_CONTEXT_TOKENS) {
    throw new RangeError(`the prompt and the video make ${length} tokens (${rendered.length - 1} of text, ${videoTokens} of video), more than the model's context of ${MAX_CONTEXT_TOKENS}: shorten the prompt's text or sample fewer frames or pixels (video.fps, video.max_frames, video.total_pixels)`);
  }
  const ids = [...rendered.slice(0, padAt), ...new Array<number>(videoTokens).fill(videoTokenId), ...rendered.slice(padAt + 1)];
  const positions = ropePositions(ids.length, { start: padAt, t, h: mergedH, w: mergedW, secondPerGridT, tokensPerSecond, timeRule });
  return { text, ids, positions, videoStart: padAt, videoTokens };
}

/** The same for any conversation holding exactly one video part (as an OpenAI-style request may). */
export async function buildChatSequence(model: LocalModel, messages: ChatMessage[], video: VideoFeatures): Promise<PromptSequence> {
  const { hiddenSize } = model.config;
  const tokens = promptTokens(model.tokenizer, { ...model.config, timeRule: model.timeRule }, messages, video.grid, video.secondPerGridT);
  if (video.features.length !== tokens.videoTokens * hiddenSize) throw new Error(`vision features hold ${video.features.length / hiddenSize} tokens, the grid needs ${tokens.videoTokens}`);
  const embeds = await model.embedTokens(tokens.ids);
  embeds.set(video.features, tokens.videoStart * hiddenSize);
  return { ids: tokens.ids, embeds, positions: tokens.positions, videoStart: tokens.videoStart, videoTokens: tokens.videoTokens };
}
