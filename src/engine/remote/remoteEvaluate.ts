import { pathToFileURL } from 'node:url';
import type { PromptFile } from '../../promptfile/promptFile';
import { bandOf, type CriticResult } from '../../shared/result';
import { emptyTiming, finishTiming, fromCache, jobSettings, probeJob, resultSkeleton } from '../evaluate/jobBasics';
import type { SamplingPlan } from '../../shared/video';
import { parseAnswers } from '../critique/parseAnswers';
import type { EvaluateOptions } from '../evaluate/evaluateVideo';
import type { FfmpegTools } from '../media/ffmpegTools';
import { encodePlanAsJpeg } from '../media/jpegFrames';
import type { CacheStore } from '../store/cacheStore';
import { sha256OfText } from '../store/fileHash';
import type { ChatCompletionRequest, ContentPart, TopLogprob } from './chatTypes';
import type { EndpointPool } from './endpointPool';

/** How the video reaches the server: our sampled frames (`video/jpeg` data URL, as vLLM accepts) or a file:// URL. */
export type VideoInput = 'frames' | 'url';

export interface RemoteEngine {
  pool: EndpointPool;
  /** The served model's name (vLLM: the `--served-model-name`, default the repo id). */
  modelName: string;
  tools: FfmpegTools;
  videoInput: VideoInput;
  cache?: CacheStore;
  /** How many top logprobs the reward asks for (OpenAI allows 20; vLLM up to its --max-logprobs). */
  topLogprobs?: number;
}

export class RemoteAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteAnswerError';
  }
}

/**
 * sigmoid(lp_No − lp_Yes) from the first answer token's top logprobs; a word missing from the list is bounded by the
 * smallest listed. Only the exact tokens count ("Yes", not " Yes"), as the reward model's scoring reads them.
 */
export function rewardFromTopLogprobs(top: readonly TopLogprob[]): { pYes: number; pNo: number } {
  const find = (word: string) => top.find((t) => t.token === word)?.logprob;
  const floor = Math.min(...top.map((t) => t.logprob));
  const yes = find('Yes');
  const no = find('No');
  if (yes === undefined && no === undefined) {
    throw new RemoteAnswerError(`neither "Yes" nor "No" is among the answer token's top ${top.length} logprobs (${top.slice(0, 5).map((t) => JSON.stringify(t.token)).join(', ')}…): is this the reward model with its reward prompt?`);
  }
  const pNo = 1 / (1 + Math.exp((yes ?? floor) - (no ?? floor)));
  return { pYes: 1 - pNo, pNo };
}

function videoPart(url: string): ContentPart {
  return { type: 'video_url', video_url: { url } };
}

/**
 * Video options for the server. With a URL the server samples the file itself: the reward rule is asked for with
 * `sampling: "reward"`, which `cosmos-critic serve` understands (vLLM does not: send it frames instead).
 */
function samplingKwargs(plan: SamplingPlan, prompt: PromptFile, input: VideoInput): Record<string, unknown> {
  const v = prompt.video;
  if (input === 'url' && plan.rule === 'reward') return { sampling: 'reward' };
  // Frames carry their own timing (the sampled fps); a URL is sampled by the server at the prompt's target rate.
  const rate = input === 'frames' ? { fps: plan.sample_fps } : v.nframes !== undefined ? { nframes: v.nframes } : { fps: plan.target_fps };
  return {
    ...rate,
    ...(v.max_pixels !== undefined && { max_pixels: v.max_pixels }),
    ...(v.min_pixels !== undefined && { min_pixels: v.min_pixels }),
    ...(v.total_pixels !== undefined && { total_pixels: v.total_pixels }),
    ...(v.max_frames !== undefined && { max_frames: v.max_frames }),
    ...(v.min_frames !== undefined && { min_frames: v.min_frames }),
  };
}

/**
 * Whether every endpoint that answered a cached result is one of these: a result is reused only from the servers
 * asked now, so that an endpoint that refuses every request cannot seem to answer with another's result.
 */
function answeredBy(hit: CriticResult, endpoints: readonly string[]): boolean {
  const answered = typeof hit.model?.device === 'string' ? hit.model.device.split(', ').filter(Boolean) : [];
  return answered.length > 0 && answered.every((endpoint) => endpoints.includes(endpoint));
}

/** One video × prompt on an OpenAI-compatible server: the same result as the local backend, from the same frames. */
export async function evaluateVideoRemote(remote: RemoteEngine, videoPath: string, prompt: PromptFile, options: EvaluateOptions = {}): Promise<CriticResult> {
  const totalStarted = performance.now();
  const timing = emptyTiming();
  const { probe, videoSha } = await probeJob(remote.tools, videoPath, prompt, options, timing);
  const { trials, seed, maxNewTokens } = jobSettings(prompt, options);
  const g = prompt.generation;
  const resultKey = sha256OfText('remote-result/1', remote.modelName, remote.videoInput, videoSha, prompt.sha256, JSON.stringify({ trials, seed, maxNewTokens, g }));
  if (remote.cache && !options.force) {
    const hit = await remote.cache.readResult(resultKey);
    if (hit && answeredBy(hit, remote.pool.endpoints)) return fromCache(hit, probe.video.path, prompt, false);
  }

  options.onProgress?.({ stage: 'decode' });
  let started = performance.now();
  const url =
    remote.videoInput === 'url'
      ? pathToFileURL(probe.video.path).href
      : `data:video/jpeg;base64,${(await encodePlanAsJpeg(probe.video.path, probe.plan, remote.tools, 2, options.signal)).map((b) => b.toString('base64')).join(',')}`;
  timing.decode = performance.now() - started;
  const request: ChatCompletionRequest = {
    model: remote.modelName,
    messages: [
      { role: 'system', content: [{ type: 'text', text: prompt.system }] },
      { role: 'user', content: [videoPart(url), { type: 'text', text: prompt.user }] },
    ],
    mm_processor_kwargs: samplingKwargs(probe.plan, prompt, remote.videoInput),
  };

  const base = resultSkeleton(probe, videoSha, prompt, { backend: 'openai', id: remote.modelName, device: '' }, timing, false);


  if (prompt.mode === 'reward') {
    options.onProgress?.({ stage: 'prefill' });
    started = performance.now();
    const { value, endpoint } = await remote.pool.run(
      (client) => client.complete({ ...request, max_tokens: 1, temperature: 0, logprobs: true, top_logprobs: remote.topLogprobs ?? 20 }, options.signal),
      options.signal,
    );
    timing.prefill = performance.now() - started;
    const top = value.choices[0]?.logprobs?.content?.[0]?.top_logprobs;
    if (!top?.length) throw new RemoteAnswerError(`${endpoint} returned no logprobs: the reward needs a server that returns top_logprobs (vLLM does; start it with --max-logprobs 20 or more)`);
    const { pYes, pNo } = rewardFromTopLogprobs(top);
    base.model.device = endpoint;
    base.reward = { score: pNo, anomaly: pYes > pNo ? 'Yes' : 'No', p_yes: pYes, p_no: pNo, band: bandOf(pNo) };
  } else {
    const texts: string[] = [];
    started = performance.now();
    const endpoints = new Set<string>();
    let chars = 0;
    for (let trial = 0; trial < trials; trial++) {
      options.onProgress?.({ stage: 'generate', trial, trials, tokens: 0 });
      const { value, endpoint } = await remote.pool.run(
        (client) =>
          client.stream(
            {
              ...request,
              max_tokens: maxNewTokens,
              temperature: g.temperature,
              top_p: g.top_p,
              top_k: g.top_k,
              repetition_penalty: g.repetition_penalty,
              seed: seed + trial,
            },
            (delta) => {
              chars += delta.length;
              options.onText?.(trial, delta);
              options.onProgress?.({ stage: 'generate', trial, trials, tokens: chars });
            },
            options.signal,
          ),
        options.signal,
      );
      endpoints.add(endpoint);
      texts.push(value.text);
    }
    timing.generate = performance.now() - started;
    base.model.device = [...endpoints].join(', ');
    const parsed = parseAnswers(texts, probe.plan.frame_times_s);
    base.critic = parsed.critic;
    base.violations = parsed.violations;
    base.video_analysis = parsed.video_analysis;
  }
  finishTiming(timing, totalStarted);
  await remote.cache?.writeResult(resultKey, base);
  return base;
}
