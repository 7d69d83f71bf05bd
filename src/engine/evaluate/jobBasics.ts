import { resolve } from 'node:path';
import type { PromptFile } from '../../promptfile/promptFile';
import { describeLimit, LIMITS, withinLimit, type Limit } from '../../shared/limits';
import { RESULT_SCHEMA, resultStatus, type CriticResult, type ResultModel, type TimingMs } from '../../shared/result';
import type { ProcessorPixels, VideoProbe } from '../../shared/video';
import type { FfmpegTools } from '../media/ffmpegTools';
import { probeVideo } from '../media/probeVideo';
import { sha256OfFile } from '../store/fileHash';
import type { EvaluateOptions } from './evaluateTypes';

export const DEFAULT_MAX_NEW_TOKENS = 4096;

export const emptyTiming = (): TimingMs => ({ probe: 0, decode: 0, vision: 0, prefill: 0, generate: 0, total: 0 });

/** The first stage of every job, whatever the backend: probe and plan with the prompt's video settings, hash the bytes. */
export async function probeJob(
  tools: FfmpegTools,
  videoPath: string,
  prompt: PromptFile,
  options: EvaluateOptions,
  timing: TimingMs,
  planner?: Parameters<typeof probeVideo>[4],
  processor?: ProcessorPixels,
): Promise<{ probe: VideoProbe; videoSha: string }> {
  options.onProgress?.({ stage: 'probe' });
  const started = performance.now();
  const probe = await probeVideo(resolve(videoPath), tools, { ...prompt.video, processor }, options.signal, planner);
  const videoSha = await sha256OfFile(probe.video.path);
  timing.probe = performance.now() - started;
  return { probe, videoSha };
}

/** Trials, seed and token cap: the run options first, then the prompt's, then the defaults. */
export function jobSettings(prompt: PromptFile, options: EvaluateOptions): { trials: number; seed: number; maxNewTokens: number } {
  return {
    trials: prompt.mode === 'reward' ? 1 : bounded('trials', options.trials ?? prompt.trials ?? 1, LIMITS.trials),
    seed: bounded('seed', options.seed ?? prompt.generation.seed ?? 1, LIMITS.seed),
    maxNewTokens: bounded('max_new_tokens', options.maxNewTokens ?? prompt.generation.max_new_tokens ?? DEFAULT_MAX_NEW_TOKENS, LIMITS.maxNewTokens),
  };
}

/** Requests reach the engine from other processes too (the critic server): their numbers are checked here as well. */
function bounded(name: string, value: number, limit: Limit): number {
  if (!withinLimit(value, limit)) throw new RangeError(`"${name}" must be ${describeLimit(limit)}, not ${value}`);
  return value;
}

/** The fields every result carries, before the verdict is known. */
export function resultSkeleton(probe: VideoProbe, videoSha: string, prompt: PromptFile, model: ResultModel, timing: TimingMs, visionFeaturesCached: boolean): CriticResult {
  const { video, plan } = probe;
  return {
    schema: RESULT_SCHEMA,
    video: { path: video.path, sha256: videoSha, duration_s: video.duration_s, width: video.width, height: video.height, fps: video.fps },
    mode: prompt.mode,
    prompt: { id: prompt.id, version: prompt.version, sha256: prompt.sha256, path: prompt.path },
    status: 'ok',
    model,
    sampling: {
      rule: plan.rule,
      fps: plan.sample_fps,
      frames: plan.frames,
      width: plan.width,
      height: plan.height,
      frame_times_s: plan.frame_times_s,
      ...(plan.band_height > 0 ? { timestamps: 'overlay' as const, band_height: plan.band_height } : {}),
    },
    violations: [],
    timing_ms: timing,
    cache: { result: false, vision_features: visionFeaturesCached },
    created_at: new Date().toISOString(),
  };
}

/** A cached result as seen from this run: this video path and prompt path, marked as served from the cache. */
export function fromCache(hit: CriticResult, videoPath: string, prompt: PromptFile, visionFeatures: boolean): CriticResult {
  return { ...hit, status: resultStatus(hit), video: { ...hit.video, path: videoPath }, prompt: { ...hit.prompt, path: prompt.path }, cache: { result: true, vision_features: visionFeatures } };
}

/** A critique's status once its trials are read: `unparsed` when none gave an answer. */
export function critiqueStatus(result: CriticResult): void {
  result.status = resultStatus({ mode: result.mode, critic: result.critic });
}

export function finishTiming(timing: TimingMs, totalStarted: number): void {
  timing.total = performance.now() - totalStarted;
  for (const k of Object.keys(timing) as (keyof TimingMs)[]) timing[k] = Math.round(timing[k]);
}
