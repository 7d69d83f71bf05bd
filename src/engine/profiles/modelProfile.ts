// What differs between the Cosmos reasoning models the product speaks to: how frames are planned, where the server
// reads the video options, how the answer is written, and which shipped prompts fit. One table; every other module
// reads it instead of asking "is this Reason 1?".

import type { AnswerKind, ModelProfileId } from '../../shared/profiles';

export { ANSWER_KINDS, PROFILE_IDS, isProfileId, type AnswerKind, type ModelProfileId } from '../../shared/profiles';

/** Which vision-language base the model is a fine-tune of: it decides the frame plan and the timestamp mechanism. */
export type VisionFamily = 'qwen2.5-vl' | 'qwen3-vl';

/**
 * How the model writes its answer:
 * - `template`: Reason 1's video-critic template, `<think>…</think><answer>Yes|No</answer>`;
 * - `think-then-answer`: Qwen3 style, `<think>…</think>` then the answer as plain text (no `<answer>` tags); vLLM's
 *   `qwen3` reasoning parser moves the thinking into a separate `reasoning` (older: `reasoning_content`) field;
 * - `logprobs`: no text, the first answer token's probabilities (the reward model).
 */
export type ReasoningFormat = 'template' | 'think-then-answer' | 'logprobs';

/** Frame planning, from the qwen-vl-utils release that matches the model's processor. */
export interface FramePlanRules {
  patchSize: 14 | 16;
  mergeSize: 2;
  temporalPatchSize: 2;
  /** patchSize × mergeSize: frame sides are multiples of it. */
  factor: 28 | 32;
  /** Per-frame pixel bounds of qwen-vl-utils' `fetch_video` (VIDEO_MIN/MAX_TOKEN_NUM × factor²). */
  minPixels: number;
  maxPixels: number;
  /** Default budget shared by all frames when the prompt sets none. */
  totalPixels: number;
  /** The rate NVIDIA's own scripts sample at when nothing is set. */
  defaultFps: number;
  /** How the model learns when each frame was taken. */
  timestamps: 'mrope-time' | 'text';
}

export interface ModelProfile {
  id: ModelProfileId;
  label: string;
  family: VisionFamily;
  frames: FramePlanRules;
  reasoning: ReasoningFormat;
  /** Prompt modes the model is trained for. */
  modes: ReadonlyArray<'reward' | 'critic'>;
  /** Answer kinds (prompt `answer:`) it is meant for. */
  answers: ReadonlyArray<AnswerKind>;
  /** Shipped prompt per job. */
  defaultPrompts: { critic: string; reward?: string; timeline?: string; score?: string };
  /** The system prompt NVIDIA's scripts send (Reason 2, Cosmos 3: a plain one; the instructions go in the user turn). */
  systemPrompt: string | null;
  /** Served-model names (as `/v1/models` lists them) that mean this profile. */
  namePatterns: readonly RegExp[];
}


const QWEN25_FRAMES: FramePlanRules = {
  patchSize: 14,
  mergeSize: 2,
  temporalPatchSize: 2,
  factor: 28,
  minPixels: 128 * 28 * 28,
  maxPixels: 768 * 28 * 28,
  totalPixels: Math.trunc(128000 * 28 * 28 * 0.9),
  defaultFps: 4,
  timestamps: 'mrope-time',
};

// qwen-vl-utils for Qwen3-VL: VIDEO_MIN_TOKEN_NUM 128, VIDEO_MAX_TOKEN_NUM 768, MODEL_SEQ_LEN 128000, factor 16 × 2.
const QWEN3_FRAMES: FramePlanRules = {
  patchSize: 16,
  mergeSize: 2,
  temporalPatchSize: 2,
  factor: 32,
  minPixels: 128 * 32 * 32,
  maxPixels: 768 * 32 * 32,
  totalPixels: Math.trunc(128000 * 32 * 32 * 0.9),
  defaultFps: 4,
  timestamps: 'text',
};

export const QWEN3_SYSTEM_PROMPT = 'You are a helpful assistant.';

export const MODEL_PROFILES: Readonly<Record<ModelProfileId, ModelProfile>> = {
  reason1: {
    id: 'reason1',
    label: 'Cosmos-Reason1-7B (Qwen2.5-VL-7B)',
    family: 'qwen2.5-vl',
    frames: QWEN25_FRAMES,
    reasoning: 'template',
    modes: ['critic'],
    answers: ['critique'],
    defaultPrompts: { critic: 'critic-detailed', reward: 'reward' },
    systemPrompt: null,
    namePatterns: [/cosmos[-_ ]?reason[-_ ]?1(?![\d])/i],
  },
  'reason1-reward': {
    id: 'reason1-reward',
    label: 'Cosmos-Reason1-7B-Reward (Qwen2.5-VL-7B)',
    family: 'qwen2.5-vl',
    frames: QWEN25_FRAMES,
    reasoning: 'logprobs',
    modes: ['reward'],
    answers: [],
    defaultPrompts: { critic: 'critic-detailed', reward: 'reward' },
    systemPrompt: null,
    namePatterns: [/cosmos[-_ ]?reason[-_ ]?1.*reward/i, /^cosmos[-_]reward$/i],
  },
  reason2: {
    id: 'reason2',
    label: 'Cosmos-Reason2 2B / 8B / 32B (Qwen3-VL)',
    family: 'qwen3-vl',
    frames: QWEN3_FRAMES,
    reasoning: 'think-then-answer',
    modes: ['critic'],
    answers: ['critique', 'timeline', 'score'],
    defaultPrompts: { critic: 'reason2-critic', timeline: 'reason2-timeline', score: 'reason2-plausibility' },
    systemPrompt: QWEN3_SYSTEM_PROMPT,
    namePatterns: [/cosmos[-_ ]?reason[-_ ]?2(?![\d])/i],
  },
  'cosmos3-reasoner': {
    id: 'cosmos3-reasoner',
    label: 'Cosmos 3 reasoner (Nano: Qwen3-VL-8B vision)',
    family: 'qwen3-vl',
    frames: QWEN3_FRAMES,
    reasoning: 'think-then-answer',
    modes: ['critic'],
    answers: ['critique', 'timeline', 'score'],
    defaultPrompts: { critic: 'reason2-critic', timeline: 'reason2-timeline', score: 'reason2-plausibility' },
    systemPrompt: QWEN3_SYSTEM_PROMPT,
    // A chat-completions server of the unified Cosmos 3 checkpoint (vLLM, TensorRT-LLM: `nvidia/Cosmos3-Nano`) serves
    // its reasoner: the generator has no chat endpoint.
    namePatterns: [/cosmos[-_ ]?3(?![\d])/i, /cosmos[-_ ]?reason[-_ ]?3(?![\d])/i],
  },
};

export function modelProfile(id: ModelProfileId): ModelProfile {
  return MODEL_PROFILES[id];
}
