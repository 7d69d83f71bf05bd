import { resolve } from 'node:path';
import type { PromptFile } from '../../promptfile/promptFile';
import { bandOf, type CriticResult, type TimingMs } from '../../shared/result';
import type { VideoProbe } from '../../shared/video';
import { parseProfileAnswers } from '../critique/profileAnswers';
import { decodeFrames } from '../media/frameDecoder';
import type { FfmpegTools } from '../media/ffmpegTools';
import { probeVideo } from '../media/probeVideo';
import { generateText, type Prefill } from '../model/generateText';
import { critiqueStatus, emptyTiming, finishTiming, fromCache, jobSettings, probeJob, resultSkeleton } from './jobBasics';
import type { EvaluateOptions } from './evaluateTypes';
import type { LocalModel } from '../model/localModel';
import { buildPromptSequence, type VideoFeatures } from '../model/promptSequence';
import { twoWayProbabilities, type SamplingSettings } from '../model/tokenSampler';
import type { CacheStore } from '../store/cacheStore';
import { sha256OfFile, sha256OfText } from '../store/fileHash';
import { videoPatches } from '../vision/videoPatches';
import { MODEL_PROFILES } from '../profiles/modelProfile';
import { ProfileError } from '../profiles/resolveProfile';

export interface LocalEngine {
  model: LocalModel;
  tools: FfmpegTools;
  cache: CacheStore;
  /** Work done, counted: tests and benchmarks prove cache hits with these, not with timings. */
  counters: { videoDecodes: number };
}

export function localEngine(model: LocalModel, tools: FfmpegTools, cache: CacheStore): LocalEngine {
  return { model, tools, cache, counters: { videoDecodes: 0 } };
}

export function samplingSettings(prompt: Pick<PromptFile, 'generation'>, model: LocalModel, seed: number): SamplingSettings {
  const g = prompt.generation;
  const d = model.config.generationDefaults;
  return {
    temperature: g.temperature ?? (d.doSample === false ? 0 : d.temperature ?? 0),
    topK: g.top_k ?? d.topK ?? 0,
    topP: g.top_p ?? d.topP ?? 1,
    repetitionPenalty: g.repetition_penalty ?? d.repetitionPenalty ?? 1,
    seed,
  };
}

/** Vision features for the plan: from the cache when this video, plan and model were seen before; else decode + encode. */
export async function videoFeatures(engine: LocalEngine, probe: VideoProbe, videoSha: string, timing: TimingMs, options: EvaluateOptions): Promise<{ video: VideoFeatures; cached: boolean }> {
  const { model } = engine;
  const { plan } = probe;
  const c = model.config;
  const grid: [number, number, number] = [Math.ceil(plan.frames / c.temporalPatchSize), plan.height / c.patchSize, plan.width / c.patchSize];
  const tokens = (grid[0] * grid[1] * grid[2]) / c.spatialMergeSize ** 2;
  const key = sha256OfText('features/1', videoSha, JSON.stringify(plan), model.fingerprint);
  const secondPerGridT = plan.second_per_grid_t;
  const cached = await engine.cache.readFeatures(key, tokens * c.hiddenSize);
  if (cached) return { video: { features: cached, grid, secondPerGridT }, cached: true };

  options.onProgress?.({ stage: 'decode' });
  engine.counters.videoDecodes++;
  let started = performance.now();
  const patches = await videoPatches(decodeFrames(probe.video.path, plan, engine.tools, options.signal), plan.frames, plan.width, plan.height, {
    mean: c.imageMean,
    std: c.imageStd,
    rescale: c.rescaleFactor,
    patchSize: c.patchSize,
    temporalPatchSize: c.temporalPatchSize,
    mergeSize: c.spatialMergeSize,
  });
  timing.decode = performance.now() - started;
  options.signal?.throwIfAborted();
  options.onProgress?.({ stage: 'vision' });
  started = performance.now();
  const features = await model.encodeVideo(patches.pixelValues, patches.rows, patches.rowLength, patches.grid);
  timing.vision = performance.now() - started;
  await engine.cache.writeFeatures(key, features);
  return { video: { features, grid: patches.grid, secondPerGridT }, cached: false };
}

/**
 * The input half of a job, done ahead of inference in a batch: probe, hash, decode and vision-encode into the feature
 * cache, so that the job itself finds its features there. Returns whether the features were already cached.
 */
export async function prepareVideo(engine: LocalEngine, videoPath: string, prompt: PromptFile, signal?: AbortSignal): Promise<boolean> {
  const probe = await probeVideo(resolve(videoPath), engine.tools, { ...prompt.video, processor: engine.model.config.processorPixels }, signal);
  const videoSha = await sha256OfFile(probe.video.path);
  const timing = emptyTiming();
  return (await videoFeatures(engine, probe, videoSha, timing, { signal })).cached;
}

/** The local model is Cosmos-Reason1 (Qwen2.5-VL): prompts for the Qwen3-VL models need a server for now. */
function localModelProfile(prompt: PromptFile): 'reason1' | 'reason1-reward' {
  if (prompt.profile && MODEL_PROFILES[prompt.profile].family !== 'qwen2.5-vl') {
    throw new ProfileError(
      `${prompt.path ?? 'the prompt'} is written for ${MODEL_PROFILES[prompt.profile].label}, which runs on a server for now (vLLM or NIM: --endpoint URL, or cosmosCritic.backend "openai"); the local backend runs Cosmos-Reason1 (docs/qwen3-vl-local.md)`,
    );
  }
  return prompt.mode === 'reward' ? 'reason1-reward' : 'reason1';
}

/** One video × prompt on the local model: the reward score or the critic's trials, as a result (cached by content). */
export async function evaluateVideo(engine: LocalEngine, videoPath: string, prompt: PromptFile, options: EvaluateOptions = {}): Promise<CriticResult> {
  const { model } = engine;
  const totalStarted = performance.now();
  const timing = emptyTiming();
  const localProfile = localModelProfile(prompt);
  const { probe, videoSha } = await probeJob(engine.tools, videoPath, prompt, options, timing, undefined, model.config.processorPixels);
  const { trials, seed, maxNewTokens } = jobSettings(prompt, options);
  const settings = samplingSettings(prompt, model, seed);
  const resultKey = sha256OfText('result/1', videoSha, prompt.sha256, model.fingerprint, JSON.stringify({ trials, seed, maxNewTokens, settings, mode: prompt.mode, timeRule: model.timeRule }));
  if (!options.force) {
    const hit = await engine.cache.readResult(resultKey);
    // Results cached before profiles were recorded get theirs: the local model is always Reason 1.
    if (hit) return fromCache({ ...hit, model: { ...hit.model, profile: hit.model.profile ?? localProfile, profile_source: hit.model.profile_source ?? 'default' } }, probe.video.path, prompt, true);
  }

  const { video, cached: featuresCached } = await videoFeatures(engine, probe, videoSha, timing, options);
  options.signal?.throwIfAborted();
  options.onProgress?.({ stage: 'prefill' });
  let started = performance.now();
  const sequence = await buildPromptSequence(model, prompt.system, prompt.user, video);
  const first = await model.forward(sequence.embeds, sequence.ids.length, sequence.positions.positionIds, model.emptyCache());
  timing.prefill = performance.now() - started;

  const base = resultSkeleton(probe, videoSha, prompt, { backend: 'onnx', id: model.config.id, device: model.device, precision: model.folder.precision, time_rule: model.timeRule, profile: localProfile, profile_source: 'default' }, timing, featuresCached);


  if (prompt.mode === 'reward') {
    const yes = model.tokenizer.singleTokenId('Yes');
    const no = model.tokenizer.singleTokenId('No');
    const { pYes, pNo } = twoWayProbabilities(first.lastLogits[yes]!, first.lastLogits[no]!);
    base.reward = { score: pNo, anomaly: pYes > pNo ? 'Yes' : 'No', p_yes: pYes, p_no: pNo, band: bandOf(pNo) };
  } else {
    const prefill: Prefill = { lastLogits: first.lastLogits, cache: first.cache, nextPosition: sequence.positions.nextPosition, promptIds: sequence.ids };
    const texts: string[] = [];
    started = performance.now();
    let tokens = 0;
    for (let trial = 0; trial < trials; trial++) {
      options.onProgress?.({ stage: 'generate', trial, trials, tokens: 0 });
      const trialStarted = performance.now();
      const out = await generateText(model, prefill, {
        settings: { ...settings, seed: seed + trial },
        maxNewTokens,
        stopTokenIds: model.config.eosTokenIds,
        signal: options.signal,
        onText: (delta, n) => {
          options.onText?.(trial, delta);
          options.onProgress?.({ stage: 'generate', trial, trials, tokens: n, tokensPerSecond: (n * 1000) / Math.max(1, performance.now() - trialStarted) });
        },
      });
      tokens += out.tokenIds.length;
      texts.push(out.text);
    }
    timing.generate = performance.now() - started;
    const parsed = parseProfileAnswers(texts.map((content) => ({ content })), { kind: prompt.answer, reasoning: 'template', frameTimes: probe.plan.frame_times_s, durationS: probe.video.duration_s });
    base.critic = parsed.critic;
    critiqueStatus(base);
    base.violations = parsed.violations;
    base.video_analysis = parsed.video_analysis;
    if (parsed.plausibility) base.plausibility = parsed.plausibility;
    base.generation = { tokens, tokens_per_second: timing.generate > 0 ? +((tokens * 1000) / timing.generate).toFixed(2) : 0 };
  }
  finishTiming(timing, totalStarted);
  await engine.cache.writeResult(resultKey, base);
  return base;
}
