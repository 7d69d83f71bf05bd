import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { SamplingPlan } from '../../shared/video';
import { samplingSettings, videoFeatures, type LocalEngine } from '../evaluate/evaluateVideo';
import { decodeJpegFrames } from '../media/jpegFrames';
import { probeVideo } from '../media/probeVideo';
import { VideoInputError } from '../media/videoInputError';
import { planFrameList, QWEN25_PROCESSOR_PIXELS, SamplingError } from '../media/samplingPlan';
import { generateText } from '../model/generateText';
import { logSoftmax, topLogprobs } from '../model/logprobs';
import { buildChatSequence, type VideoFeatures } from '../model/promptSequence';
import { sha256OfFile } from '../store/fileHash';
import { videoPatches } from '../vision/videoPatches';
import { ApiError } from './apiError';
import { JobQueue } from './jobQueue';
import { readJsonBody } from './requestBody';
import { validateRequest, type CompletionRequest } from './requestFields';
import { RequestGuard, type AccessRules } from './requestGuard';
import { allowedMediaFolder, resolveRequestVideo, type MediaFolder } from './requestVideo';
import { DEFAULT_SERVE_LIMITS, overLimit, SERVE_LIMIT_RANGES, type ServeLimits } from './serveLimits';
import { rangeProblem } from './numberRange';

export interface ServeOptions {
  engine: LocalEngine;
  /** Names clients may use in `model` (the first is reported by /v1/models). */
  modelNames: string[];
  allowedMediaPath?: string;
  /** Limits on one request's work and on the wait list; the rest are the defaults (maxModelLen: the model's context). */
  limits?: Partial<ServeLimits>;
  /** Who may call: bind address (default 127.0.0.1), more host names, web origins, API key. */
  access?: Partial<AccessRules>;
  log?: (line: string) => void;
}

/** The limits in force: the defaults, then the options; each checked against its range and the model's context. */
export function serveLimits(engine: LocalEngine, limits: Partial<ServeLimits> = {}): ServeLimits {
  const context = engine.model.config.maxPositionEmbeddings;
  const maxModelLen = limits.maxModelLen ?? context;
  if (maxModelLen === undefined) throw new Error(`${engine.model.folder.dir}/config.json has no max_position_embeddings: give the context length with --max-model-len`);
  const resolved: ServeLimits = { ...DEFAULT_SERVE_LIMITS, ...limits, maxModelLen };
  for (const [key, range] of Object.entries(SERVE_LIMIT_RANGES) as Array<[keyof ServeLimits, (typeof SERVE_LIMIT_RANGES)[keyof ServeLimits]]>) {
    const problem = rangeProblem(key, resolved[key], range);
    if (problem) throw new Error(problem);
  }
  if (context !== undefined && maxModelLen > context) throw new Error(`--max-model-len ${maxModelLen} is over the model's context (max_position_embeddings ${context})`);
  return resolved;
}

/**
 * At least as many bytes as one token stands for (the longest vocabulary entry or added token, in UTF-8), so that
 * `bytes / longest` is a floor on a text's token count, known without tokenizing it.
 */
export function longestTokenBytes(tokenizerJson: unknown): number {
  const t = tokenizerJson as { model?: { vocab?: unknown }; added_tokens?: Array<{ content?: unknown }> };
  const vocab = t.model?.vocab;
  const entries = Array.isArray(vocab) ? vocab.map((e) => (Array.isArray(e) ? e[0] : e)) : vocab && typeof vocab === 'object' ? Object.keys(vocab) : [];
  if (entries.length === 0) return Infinity;
  let longest = 0;
  for (const e of entries) if (typeof e === 'string') longest = Math.max(longest, Buffer.byteLength(e));
  for (const a of t.added_tokens ?? []) if (typeof a.content === 'string') longest = Math.max(longest, Buffer.byteLength(a.content));
  return longest;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A request target in origin form (`/v1/…`); anything else is refused rather than guessed at. */
function requestPath(target: string | undefined): string {
  if (target?.startsWith('/') && !target.startsWith('//')) {
    try {
      return new URL(target, 'http://localhost').pathname.replace(/\/+$/, '');
    } catch {
      // falls through to the refusal
    }
  }
  throw new ApiError(400, 'invalid_request_target', `the request target ${JSON.stringify(String(target).slice(0, 200))} is not a path such as /v1/chat/completions`);
}

function onlyMethod(req: IncomingMessage, method: string): void {
  if (req.method !== method) throw new ApiError(405, 'method_not_allowed', `${req.method} is not allowed here; use ${method}`);
}

/**
 * The local engine as an OpenAI-compatible chat-completions server (video input, logprobs, streaming), so that one GPU
 * box can serve a team and the remote backend can be tested against a real server. One job runs at a time; every
 * request is checked (name, origin, key, type, size, fields, limits) before it may wait for its turn.
 */
export function createOpenAiServer(options: ServeOptions): Server {
  const { engine } = options;
  const { model } = engine;
  const c = model.config;
  const limits = serveLimits(engine, options.limits);
  const mediaFolder: MediaFolder | undefined = options.allowedMediaPath === undefined ? undefined : allowedMediaFolder(options.allowedMediaPath);
  const guard = new RequestGuard({ bindHost: '127.0.0.1', ...options.access });
  const queue = new JobQueue(limits.maxQueue);
  const tokenBytes = longestTokenBytes(model.folder.tokenizerJson);

  function checkContext(textTokens: number, videoTokens: number | undefined, maxTokens: number): void {
    const prompt = textTokens + (videoTokens ?? 0);
    if (prompt + maxTokens <= limits.maxModelLen) return;
    const parts = videoTokens === undefined ? `${textTokens} text tokens` : `${prompt} tokens (${textTokens} text + ${videoTokens} video)`;
    throw overLimit(limits, 'maxModelLen', `the prompt has ${parts} and max_tokens is ${maxTokens}, ${prompt + maxTokens} in all`, 'messages');
  }

  function checkPlan(plan: SamplingPlan): number {
    if (plan.frames > limits.maxFrames) throw overLimit(limits, 'maxFrames', `the sampling plan has ${plan.frames} frames`, 'mm_processor_kwargs');
    if (plan.width * plan.height > limits.maxPixels) {
      throw overLimit(limits, 'maxPixels', `the sampled frames have ${plan.width}×${plan.height} = ${plan.width * plan.height} pixels`, 'mm_processor_kwargs');
    }
    return (Math.ceil(plan.frames / c.temporalPatchSize) * (plan.height / c.patchSize) * (plan.width / c.patchSize)) / c.spatialMergeSize ** 2;
  }

  /** Vision features of the request's video, after its plan was checked against the limits and the context. */
  async function features(request: CompletionRequest, fits: (videoTokens: number) => void, signal: AbortSignal): Promise<VideoFeatures> {
    const { sampling } = request;
    const video = await resolveRequestVideo(request.videoUrl, mediaFolder, limits);
    if (video.kind === 'file') {
      try {
        if (sampling.rule !== 'reward' && sampling.nframes === undefined && (sampling.fps ?? 0) > limits.maxFps) {
          throw overLimit(limits, 'maxFps', `mm_processor_kwargs.fps is ${sampling.fps}`, 'mm_processor_kwargs.fps');
        }
        const probe = await probeVideo(video.path, engine.tools, { ...sampling, processor: engine.model.config.processorPixels }, signal);
        fits(checkPlan(probe.plan));
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
      const bounds = engine.model.config.processorPixels ?? QWEN25_PROCESSOR_PIXELS;
      plan = planFrameList(video.images.length, fps, video.width, video.height, { min_pixels: sampling.min_pixels ?? bounds.min_pixels, max_pixels: sampling.max_pixels ?? bounds.max_pixels });
    } catch (err) {
      if (err instanceof SamplingError || err instanceof RangeError) throw new ApiError(400, 'invalid_media', `the JPEG frames cannot be sampled: ${err.message}`, 'messages');
      throw err;
    }
    fits(checkPlan(plan));
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

  async function completions(req: IncomingMessage, res: ServerResponse): Promise<void> {
    guard.checkJsonBody(req);
    const place = queue.admit();
    if (!place) {
      req.resume();
      throw overLimit(limits, 'maxQueue', `one request is running and ${queue.size - 1} waiting; retry later`);
    }
    res.on('close', place.release);
    try {
      const request = validateRequest(await readJsonBody(req, limits, () => /100-continue/i.test(req.headers.expect ?? '') && res.writeContinue()), limits, c.vocabSize, options.modelNames);
      // Tokenizing megabytes would hold up every other request: a text that cannot fit is refused from its size first.
      const textBytes = request.chat.reduce((n, m) => m.content.reduce((k, p) => k + (p.text ? Buffer.byteLength(p.text) : 0), n), 0);
      const atLeast = Math.ceil(textBytes / tokenBytes);
      if (atLeast + (request.maxTokens ?? 1) > limits.maxModelLen) {
        throw overLimit(limits, 'maxModelLen', `the prompt's text has ${textBytes} bytes, at least ${atLeast} tokens`, 'messages');
      }
      // The rendered prompt holds one <|video_pad|>, which becomes the video's tokens.
      const textTokens = model.tokenizer.encode(model.tokenizer.renderChat(request.chat)).length - 1;
      checkContext(textTokens, undefined, request.maxTokens ?? 1);
      const abort = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) abort.abort(new Error('client went away'));
      });
      await queue.run(() => complete(request, textTokens, res, abort.signal));
    } finally {
      place.release();
    }
  }

  async function complete(request: CompletionRequest, textTokens: number, res: ServerResponse, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    let maxTokens = request.maxTokens ?? 1;
    const video = await features(
      request,
      (videoTokens) => {
        maxTokens = request.maxTokens ?? Math.max(1, Math.min(limits.maxTokens, limits.maxModelLen - textTokens - videoTokens));
        checkContext(textTokens, videoTokens, maxTokens);
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
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const logprobs: Array<{ token: string; logprob: number; top_logprobs: Array<{ token: string; logprob: number }> }> = [];
    // OpenAI caps top_logprobs at 20; like vLLM's --max-logprobs, this server allows the whole vocabulary.
    const k = request.topLogprobs;
    const chunk = (delta: Record<string, string>, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    if (request.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(chunk({ role: 'assistant' }, null));
    }
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
      onText: request.stream ? (delta) => res.write(chunk({ content: delta }, null)) : undefined,
    });
    const finish = out.finish;
    options.log?.(`${request.stream ? 'stream' : 'complete'} ${out.tokenIds.length} tokens (${finish}) in ${Math.round(out.ms)} ms`);
    if (request.stream) {
      res.write(chunk({}, finish));
      res.end('data: [DONE]\n\n');
      return;
    }
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: request.model,
      choices: [{ index: 0, message: { role: 'assistant', content: out.text }, finish_reason: finish, logprobs: request.logprobs ? { content: logprobs } : null }],
      usage: { prompt_tokens: sequence.ids.length, completion_tokens: out.tokenIds.length, total_tokens: sequence.ids.length + out.tokenIds.length },
    });
  }

  function answerError(res: ServerResponse, err: unknown): void {
    let error: ApiError;
    if (err instanceof ApiError) error = err;
    else if (err instanceof VideoInputError || err instanceof SamplingError) error = new ApiError(400, 'invalid_media', err.message, 'messages');
    else if ((err as Error)?.name === 'AbortError' || res.destroyed) return;
    else {
      const message = (err as Error)?.message ?? String(err);
      options.log?.(`error: ${message}`);
      error = new ApiError(500, 'server_error', message);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendJson(res, error.status, error.toJSON(), error.status === 401 ? { 'www-authenticate': 'Bearer' } : error.status === 429 ? { 'retry-after': '1' } : {});
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = requestPath(req.url);
    guard.checkHost(req);
    const origin = guard.checkOrigin(req);
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '600' });
        res.end();
        return;
      }
    }
    if (path === '/health') {
      onlyMethod(req, 'GET');
      return sendJson(res, 200, { status: 'ok', device: model.device });
    }
    if (path === '/v1/models' || path === '/v1/chat/completions') guard.checkKey(req);
    if (path === '/v1/models') {
      onlyMethod(req, 'GET');
      return sendJson(res, 200, { object: 'list', data: options.modelNames.map((id) => ({ id, object: 'model', owned_by: 'cosmos-critic', max_model_len: limits.maxModelLen })) });
    }
    if (path === '/v1/chat/completions') {
      onlyMethod(req, 'POST');
      return completions(req, res);
    }
    throw new ApiError(404, 'not_found', `no route ${path || '/'}: this server answers GET /health, GET /v1/models and POST /v1/chat/completions`);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    // A write to a client that went away must never take the server down.
    res.on('error', () => undefined);
    handle(req, res).catch((err: unknown) => answerError(res, err));
  };
  const server = createServer(listener);
  // "Expect: 100-continue" gets its 100 only once the request passed every check, so a refused body is never sent.
  server.on('checkContinue', listener);
  return server;
}
