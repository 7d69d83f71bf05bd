import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { PromptFile } from '../../promptfile/promptFile';
import { bandOf, type CriticResult } from '../../shared/result';
import { critiqueStatus, emptyTiming, finishTiming, fromCache, jobSettings, probeJob, resultSkeleton } from '../evaluate/jobBasics';
import { parseProfileAnswers } from '../critique/profileAnswers';
import type { ModelAnswer } from '../critique/thinkingSplit';
import { plannerFor } from '../media/qwen3SamplingPlan';
import { checkPromptProfile, resolveProfile, type ResolvedProfile } from '../profiles/resolveProfile';
import { RequestShapeError, videoMimeType, videoRequestFields, type ServerKind, type VideoInput } from '../profiles/requestShape';
import type { EvaluateOptions } from '../evaluate/evaluateTypes';
import type { FfmpegTools } from '../media/ffmpegTools';
import { encodePlanFrames } from '../media/jpegFrames';
import type { CacheStore } from '../store/cacheStore';
import { sha256OfText } from '../store/fileHash';
import type { ChatCompletionRequest, ChatRequestMessage, ContentPart, TopLogprob } from './chatTypes';
import type { EndpointPool } from './endpointPool';

export type { VideoInput };

export interface RemoteEngine {
  pool: EndpointPool;
  /** The served model's name (vLLM: the `--served-model-name`, default the repo id). */
  modelName: string;
  tools: FfmpegTools;
  videoInput: VideoInput;
  cache?: CacheStore;
  /** How many top logprobs the reward asks for (OpenAI allows 20; vLLM up to its --max-logprobs). */
  topLogprobs?: number;
  /** The model profile; default: from the served model's name (Reason 1 when the name says nothing). */
  profile?: ResolvedProfile;
  /** vLLM (default; `cosmos-critic serve` speaks its dialect) or an NVIDIA NIM. */
  server?: ServerKind;
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

/** Inline videos travel in one JSON body: past this size a URL the server can fetch is the way. */
export const MAX_INLINE_VIDEO_BYTES = 256 * 1024 * 1024;

async function readInlineVideo(path: string, size: number): Promise<Buffer> {
  if (size > MAX_INLINE_VIDEO_BYTES) {
    throw new RequestShapeError(
      `${path} is ${Math.round(size / 2 ** 20)} MiB, too large to send inline (limit ${MAX_INLINE_VIDEO_BYTES / 2 ** 20} MiB): use --video-input url with a URL the server can read (VS Code: cosmosCritic.videoInput), or a shorter clip`,
    );
  }
  return readFile(path);
}

function videoPart(url: string): ContentPart {
  return { type: 'video_url', video_url: { url } };
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
  const resolved = remote.profile ?? resolveProfile({ id: null, source: 'flag' }, remote.modelName, prompt.mode);
  checkPromptProfile(prompt.profile, resolved, prompt.path, prompt.mode);
  const { profile } = resolved;
  const server = remote.server ?? 'vllm';
  const { probe, videoSha } = await probeJob(remote.tools, videoPath, prompt, options, timing, plannerFor(profile.frames));
  // Fail before any upload when this server cannot take the video this way.
  const videoFields = videoRequestFields(profile, server, probe.plan, probe.video, prompt.video, remote.videoInput);
  const { trials, seed, maxNewTokens } = jobSettings(prompt, options);
  const g = prompt.generation;
  const resultKey = sha256OfText('remote-result/2', remote.modelName, profile.id, server, remote.videoInput, videoSha, prompt.sha256, JSON.stringify({ trials, seed, maxNewTokens, g }));
  if (remote.cache && !options.force) {
    const hit = await remote.cache.readResult(resultKey);
    if (hit && answeredBy(hit, remote.pool.endpoints)) return fromCache(hit, probe.video.path, prompt, false);
  }

  options.onProgress?.({ stage: 'decode' });
  let started = performance.now();
  const url =
    remote.videoInput === 'url'
      ? pathToFileURL(probe.video.path).href
      : remote.videoInput === 'file'
        ? `data:${videoMimeType(probe.video.path)};base64,${(await readInlineVideo(probe.video.path, probe.video.size_bytes)).toString('base64')}`
        : `data:video/jpeg;base64,${(await encodePlanFrames(probe.video.path, probe.plan, remote.tools, remote.videoInput === 'frames-png' ? 'png' : 'jpeg', options.signal)).map((b) => b.toString('base64')).join(',')}`;
  timing.decode = performance.now() - started;
  const system = prompt.system.trim() ? prompt.system : profile.systemPrompt;
  const messages: ChatRequestMessage[] = [
    ...(system ? [{ role: 'system' as const, content: [{ type: 'text' as const, text: system }] }] : []),
    { role: 'user', content: [videoPart(url), { type: 'text', text: prompt.user }] },
  ];
  const request: ChatCompletionRequest = { model: remote.modelName, messages, ...videoFields };

  const base = resultSkeleton(probe, videoSha, prompt, { backend: 'openai', id: remote.modelName, device: '', profile: profile.id, profile_source: resolved.source }, timing, false);


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
    const answers: ModelAnswer[] = [];
    started = performance.now();
    const endpoints = new Set<string>();
    let chars = 0;
    for (let trial = 0; trial < trials; trial++) {
      options.onProgress?.({ stage: 'generate', trial, trials, tokens: 0 });
      let thinking = false;
      const emit = (delta: string) => {
        chars += delta.length;
        options.onText?.(trial, delta);
        options.onProgress?.({ stage: 'generate', trial, trials, tokens: chars });
      };
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
              // The streamed text reads as the stored answer does: thinking from a reasoning field inside <think>.
              if (thinking) options.onText?.(trial, '\n</think>\n');
              thinking = false;
              emit(delta);
            },
            options.signal,
            (delta) => {
              if (!thinking) options.onText?.(trial, '<think>\n');
              thinking = true;
              emit(delta);
            },
          ),
        options.signal,
      );
      if (thinking) options.onText?.(trial, '\n</think>\n');
      endpoints.add(endpoint);
      answers.push({ content: value.text, reasoning: value.reasoning || null });
    }
    timing.generate = performance.now() - started;
    base.model.device = [...endpoints].join(', ');
    const parsed = parseProfileAnswers(answers, { kind: prompt.answer, reasoning: profile.reasoning, frameTimes: probe.plan.frame_times_s, durationS: probe.video.duration_s });
    base.critic = parsed.critic;
    critiqueStatus(base);
    base.violations = parsed.violations;
    base.video_analysis = parsed.video_analysis;
    if (parsed.plausibility) base.plausibility = parsed.plausibility;
  }
  finishTiming(timing, totalStarted);
  await remote.cache?.writeResult(resultKey, base);
  return base;
}
