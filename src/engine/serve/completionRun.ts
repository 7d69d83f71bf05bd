import type { SamplingPlan } from '../../shared/video';
import { samplingSettings, videoFeatures, type LocalEngine } from '../evaluate/evaluateVideo';
import { decodeJpegFrames } from '../media/jpegFrames';
import { probeVideo } from '../media/probeVideo';
import { planFrameList, QWEN25_PROCESSOR_PIXELS, SamplingError } from '../media/samplingPlan';
import { VideoInputError } from '../media/videoInputError';
import { generateText } from '../model/generateText';
import { logSoftmax, topLogprobs } from '../model/logprobs';
import { buildChatSequence, type VideoFeatures } from '../model/promptSequence';
import { sha256OfFile } from '../store/fileHash';
import { videoPatches } from '../vision/videoPatches';
import { ApiError } from './apiError';
import type { CompletionRequest } from './requestFields';
import { resolveRequestVideo, type MediaFolder } from './requestVideo';
import { overLimit, type ServeLimits } from './serveLimits';

/** What a completion needs besides the request: the server's limits and the folder file:// URLs may name. */
export interface CompletionContext {
  limits: ServeLimits;
  mediaFolder?: MediaFolder;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  top_logprobs: Array<{ token: string; logprob: number }>;
}

/** One completion's outcome, plain data (it crosses from an engine worker to the server). */
export interface CompletionOutput {
  text: string;
  finish: string;
  promptTokens: number;
  completionTokens: number;
  ms: number;
  logprobs: TokenLogprob[] | null;
}

/** Where a completion's output goes while it runs: `onStart` once the prompt is read, then the text as it comes. */
export interface CompletionSink {
  onStart(): void;
  onText(delta: string): void;
}

/** Refuses a prompt + completion longer than the server's context. */
export function checkContext(limits: ServeLimits, textTokens: number, videoTokens: number | undefined, maxTokens: number): void {
  const prompt = textTokens + (videoTokens ?? 0);
  if (prompt + maxTokens <= limits.maxModelLen) return;
  const parts = videoTokens === undefined ? `${textTokens} text tokens` : `${prompt} tokens (${textTokens} text + ${videoTokens} video)`;
  throw overLimit(limits, 'maxModelLen', `the prompt has ${parts} and max_tokens is ${maxTokens}, ${prompt + maxTokens} in all`, 'messages');
}

/**
 * One chat completion on the local engine, after the server checked the request: the video's features (its plan
 * checked against the limits and the context first), the prefill, then generation with logprobs when asked.
 * Bad media comes back as an ApiError, so that its status survives a trip between processes.
 */
export async function runCompletion(engine: LocalEngine, context: CompletionContext, request: CompletionRequest, textTokens: number, sink: CompletionSink, signal: AbortSignal): Promise<CompletionOutput> {
  try {
    return await complete(engine, context, request, textTokens, sink, signal);
  } catch (err) {
    if (err instanceof VideoInputError || err instanceof SamplingError) throw new ApiError(400, 'invalid_media', err.message, 'messages');
    throw err;
  }
}

async function complete(engine: LocalEngine, context: CompletionContext, request: CompletionRequest, textTokens: number, sink: CompletionSink, signal: AbortSignal): Promise<CompletionOutput> {
  const { model } = engine;
  const c = model.config;
  const { limits } = context;
  signal.throwIfAborted();
  let maxTokens = request.maxTokens ?? 1;
  const video = await features(
    engine,
    context,
    request,
    (videoTokens) => {
      maxTokens = request.maxTokens ?? Math.max(1, Math.min(limits.maxTokens, limits.maxModelLen - textTokens - videoTokens));
      checkContext(limits, textTokens, videoTokens, maxTokens);
    },
    signal,
  );
  const sequence = await buildChatSequence(model, request.chat, video);
  const first = await model.forward(sequence.embeds, sequence.ids.length, sequence.positions.positionIds, model.emptyCache());
  const settings = samplingSettings(
    { generation: { temperature: request.temperature, top_k: request.topK !== undefined && request.topK <= 0 ? 0 : request.topK, top_p: request.topP, repetition_penalty: request.repetitionPenalty } },
    model,
    request.seed ?? Math.floor(Math.random() * 2 ** 31),
  );
  const logprobs: TokenLogprob[] = [];
  // OpenAI caps top_logprobs at 20; like vLLM's --max-logprobs, this server allows the whole vocabulary.
  const k = request.topLogprobs;
  sink.onStart();
  const out = await generateText(model, { lastLogits: first.lastLogits, cache: first.cache, nextPosition: sequence.positions.nextPosition, promptIds: sequence.ids }, {
    settings,
    maxNewTokens: maxTokens,
    stopTokenIds: c.eosTokenIds,
    signal,
    onStep: request.logprobs
      ? (logits, token) => {
          const lp = logSoftmax(logits);
          logprobs.push({
            token: model.tokenizer.decode([token], false),
            logprob: lp[token]!,
            top_logprobs: topLogprobs(lp, k).map((t) => ({ token: model.tokenizer.decode([t.id], false), logprob: t.logprob })),
          });
        }
      : undefined,
    onText: request.stream ? (delta) => sink.onText(delta) : undefined,
  });
  return { text: out.text, finish: out.finish, promptTokens: sequence.ids.length, completionTokens: out.tokenIds.length, ms: out.ms, logprobs: request.logprobs ? logprobs : null };
}

function checkPlan(engine: LocalEngine, limits: ServeLimits, plan: SamplingPlan): number {
  const c = engine.model.config;
  if (plan.frames > limits.maxFrames) throw overLimit(limits, 'maxFrames', `the sampling plan has ${plan.frames} frames`, 'mm_processor_kwargs');
  if (plan.width * plan.height > limits.maxPixels) {
    throw overLimit(limits, 'maxPixels', `the sampled frames have ${plan.width}×${plan.height} = ${plan.width * plan.height} pixels`, 'mm_processor_kwargs');
  }
  return (Math.ceil(plan.frames / c.temporalPatchSize) * (plan.height / c.patchSize) * (plan.width / c.patchSize)) / c.spatialMergeSize ** 2;
}

/** Vision features of the request's video, after its plan was checked against the limits and the context. */
async function features(engine: LocalEngine, context: CompletionContext, request: CompletionRequest, fits: (videoTokens: number) => void, signal: AbortSignal): Promise<VideoFeatures> {
  const { model } = engine;
  const c = model.config;
  const { limits } = context;
  const { sampling } = request;
  const video = await resolveRequestVideo(request.videoUrl, context.mediaFolder, limits);
  if (video.kind === 'file') {
    try {
      if (sampling.rule !== 'reward' && sampling.nframes === undefined && (sampling.fps ?? 0) > limits.maxFps) {
        throw overLimit(limits, 'maxFps', `mm_processor_kwargs.fps is ${sampling.fps}`, 'mm_processor_kwargs.fps');
      }
      const probe = await probeVideo(video.path, engine.tools, { ...sampling, processor: c.processorPixels }, signal);
      fits(checkPlan(engine, limits, probe.plan));
      const sha = await sha256OfFile(probe.video.path);
      return (await videoFeatures(engine, probe, sha, { probe: 0, decode: 0, vision: 0, prefill: 0, generate: 0, total: 0 }, { signal })).video;
    } finally {
      await video.cleanup?.();
    }
  }
  const fps = sampling.fps ?? 2;
  let plan: SamplingPlan;
  try {
    // As vLLM: the processor's bounds, overridden by min_pixels / max_pixels in mm_processor_kwargs.
    const bounds = c.processorPixels ?? QWEN25_PROCESSOR_PIXELS;
    plan = planFrameList(video.images.length, fps, video.width, video.height, { min_pixels: sampling.min_pixels ?? bounds.min_pixels, max_pixels: sampling.max_pixels ?? bounds.max_pixels });
  } catch (err) {
    if (err instanceof SamplingError || err instanceof RangeError) throw new ApiError(400, 'invalid_media', `the JPEG frames cannot be sampled: ${err.message}`, 'messages');
    throw err;
  }
  fits(checkPlan(engine, limits, plan));
  const frames = await decodeJpegFrames(video.images, plan.width, plan.height, engine.tools, signal).catch((err: Error) => {
    if (signal.aborted) throw err;
    throw new ApiError(400, 'invalid_media', `the JPEG frames could not be decoded (${err.message.split('\n')[0]})`, 'messages');
  });
  video.images.length = 0;
  async function* stream() {
    yield* frames;
  }
  const patches = await videoPatches(stream(), frames.length, plan.width, plan.height, {
    mean: c.imageMean, std: c.imageStd, rescale: c.rescaleFactor, patchSize: c.patchSize, temporalPatchSize: c.temporalPatchSize, mergeSize: c.spatialMergeSize,
  });
  const encoded = await model.encodeVideo(patches.pixelValues, patches.rows, patches.rowLength, patches.grid);
  return { features: encoded, grid: patches.grid, secondPerGridT: c.temporalPatchSize / fps };
}
