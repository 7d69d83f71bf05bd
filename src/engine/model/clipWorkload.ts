/**
 * The token counts of one clip under one prompt, from the same frame planners the engine runs — the input to
 * memoryEstimate's tables. Video tokens are exact; text tokens are estimated (characters ÷ 4, plus the chat template),
 * because no Qwen tokenizer ships with the project.
 */
import type { PromptFile } from '../../promptfile/promptFile';
import { planSampling, QWEN25_PROCESSOR_PIXELS, type SourceVideo } from '../media/samplingPlan';
import { planQwen3Sampling, qwen3PatchTimestamps, qwen3TimestampText } from '../media/qwen3SamplingPlan';
import { MODEL_PROFILES } from '../profiles/modelProfile';
import type { SamplingPlan } from '../../shared/video';
import type { ModelShape, Workload } from './memoryEstimate';

/** Special tokens and role names the chat template adds around a system and a user turn with one video. */
export const TEMPLATE_TOKENS = 20;

/** A 10 s 1080p clip at 30 fps: the clip the README's GPU tables are computed for. */
export const TEN_SECOND_CLIP: SourceVideo = { frameCount: 300, fps: 30, width: 1920, height: 1080 };

export const estimateTextTokens = (text: string): number => Math.ceil(text.length / 4);

export interface ClipWorkload extends Workload {
  plan: Pick<SamplingPlan, 'frames' | 'width' | 'height'>;
  /** Estimated, see the module comment. */
  textTokens: number;
  trials: number;
}

/** Qwen2.5-VL (Cosmos Reason 1) plans with qwen-vl-utils 0.0.11 or the reward rule; Qwen3-VL with its own planner. */
export function clipWorkload(model: ModelShape, prompt: Pick<PromptFile, 'video' | 'generation' | 'trials' | 'system' | 'user' | 'mode'>, source: SourceVideo = TEN_SECOND_CLIP): ClipWorkload {
  const v = model.vision;
  const qwen3 = v.patch === 16;
  const plan = qwen3 ? planQwen3Sampling(source, MODEL_PROFILES.reason2.frames, prompt.video) : planSampling(source, { ...prompt.video, processor: QWEN25_PROCESSOR_PIXELS });
  const groups = Math.ceil(plan.frames / v.temporalPatch);
  const patchesPerGroup = (plan.height / v.patch) * (plan.width / v.patch);
  const videoTokens = (groups * patchesPerGroup) / (v.merge * v.merge);
  // Qwen3-VL writes "<t seconds>" before each group's pads and wraps each group in vision start/end tokens.
  const timestamps = qwen3 ? qwen3PatchTimestamps(plan.frame_indices, source.fps).reduce((sum, t) => sum + estimateTextTokens(qwen3TimestampText(t)) + 2, 0) : 0;
  const textTokens = estimateTextTokens(prompt.system) + estimateTextTokens(prompt.user) + TEMPLATE_TOKENS + timestamps;
  return {
    plan: { frames: plan.frames, width: plan.width, height: plan.height },
    videoTokens,
    textTokens,
    promptTokens: videoTokens + textTokens,
    generatedTokens: prompt.mode === 'reward' ? 0 : prompt.generation.max_new_tokens ?? 4096,
    trials: prompt.trials ?? 1,
    visionGroups: groups,
    patchesPerGroup,
  };
}
