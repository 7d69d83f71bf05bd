import type { LocalModel } from './localModel';
import type { ChatMessage } from './textTokenizer';
import { ropePositions, type RopePositions } from './mropePositions';
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
  return buildChatSequence(
    model,
    [
      { role: 'system', content: [{ type: 'text', text: system }] },
      { role: 'user', content: [{ type: 'video' }, { type: 'text', text: user }] },
    ],
    video,
  );
}

/** The same for any conversation holding exactly one video part (as an OpenAI-style request may). */
export async function buildChatSequence(model: LocalModel, messages: ChatMessage[], video: VideoFeatures): Promise<PromptSequence> {
  const { videoTokenId, hiddenSize, spatialMergeSize, tokensPerSecond } = model.config;
  const text = model.tokenizer.renderChat(messages);
  const rendered = model.tokenizer.encode(text);
  const padAt = rendered.indexOf(videoTokenId);
  if (padAt < 0 || rendered.indexOf(videoTokenId, padAt + 1) >= 0) {
    throw new Error('the chat template must render exactly one video placeholder (<|vision_start|><|video_pad|><|vision_end|>)');
  }
  const [t, h, w] = video.grid;
  const mergedH = h / spatialMergeSize;
  const mergedW = w / spatialMergeSize;
  const videoTokens = t * mergedH * mergedW;
  if (video.features.length !== videoTokens * hiddenSize) throw new Error(`vision features hold ${video.features.length / hiddenSize} tokens, the grid needs ${videoTokens}`);
  const length = rendered.length - 1 + videoTokens;
  if (length > MAX_CONTEXT_TOKENS) {
    throw new RangeError(`the prompt and the video make ${length} tokens (${rendered.length - 1} of text, ${videoTokens} of video), more than the model's context of ${MAX_CONTEXT_TOKENS}: shorten the prompt's text or sample fewer frames or pixels (video.fps, video.max_frames, video.total_pixels)`);
  }
  const ids = [...rendered.slice(0, padAt), ...new Array<number>(videoTokens).fill(videoTokenId), ...rendered.slice(padAt + 1)];
  const embeds = await model.embedTokens(ids);
  embeds.set(video.features, padAt * hiddenSize);
  const positions = ropePositions(ids.length, { start: padAt, t, h: mergedH, w: mergedW, secondPerGridT: video.secondPerGridT, tokensPerSecond });
  return { ids, embeds, positions, videoStart: padAt, videoTokens };
}
