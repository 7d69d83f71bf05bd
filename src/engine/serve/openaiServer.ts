import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { SamplingPlan } from '../../shared/video';
import { samplingSettings, videoFeatures, type LocalEngine } from '../evaluate/evaluateVideo';
import { decodeJpegFrames, jpegSize } from '../media/jpegFrames';
import { probeVideo } from '../media/probeVideo';
import { VideoInputError } from '../media/videoInputError';
import { planFpsSampling } from '../media/samplingPlan';
import { generateText } from '../model/generateText';
import { logSoftmax, topLogprobs } from '../model/logprobs';
import { buildChatSequence, type VideoFeatures } from '../model/promptSequence';
import type { ChatMessage, ChatPart } from '../model/textTokenizer';
import { sha256OfFile } from '../store/fileHash';
import { videoPatches } from '../vision/videoPatches';
import type { ChatCompletionRequest, ChatRequestMessage } from '../remote/chatTypes';
import { BadRequestError, resolveRequestVideo, samplingFromKwargs } from './requestVideo';

export interface ServeOptions {
  engine: LocalEngine;
  /** Names clients may use in `model` (the first is reported by /v1/models). */
  modelNames: string[];
  allowedMediaPath?: string;
  maxBodyBytes?: number;
  log?: (line: string) => void;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', code: status } });
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BadRequestError(`request body over ${limit} bytes`, 413));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Chat messages in our template's shape, and the one video URL among them. */
function toChat(messages: ChatRequestMessage[]): { chat: ChatMessage[]; videoUrl: string } {
  if (!Array.isArray(messages) || messages.length === 0) throw new BadRequestError('messages must be a non-empty array');
  const urls: string[] = [];
  const chat = messages.map((m): ChatMessage => {
    if (!['system', 'user', 'assistant'].includes(m?.role)) throw new BadRequestError(`unsupported role ${JSON.stringify(m?.role)}`);
    if (typeof m.content === 'string') return { role: m.role, content: [{ type: 'text', text: m.content }] };
    if (!Array.isArray(m.content)) throw new BadRequestError('message content must be a string or an array of parts');
    const content = m.content.map((part): ChatPart => {
      if (part?.type === 'text' && typeof part.text === 'string') return { type: 'text', text: part.text };
      if (part?.type === 'video_url' && typeof part.video_url?.url === 'string') {
        urls.push(part.video_url.url);
        return { type: 'video' };
      }
      if (part?.type === 'image_url') throw new BadRequestError('images are not supported by this server: send the video (video_url)');
      throw new BadRequestError(`unsupported content part ${JSON.stringify((part as { type?: unknown })?.type)}`);
    });
    return { role: m.role, content };
  });
  if (urls.length !== 1) throw new BadRequestError(`exactly one video_url is required, got ${urls.length}`);
  return { chat, videoUrl: urls[0]! };
}

/**
 * The local engine as an OpenAI-compatible chat-completions server (video input, logprobs, streaming), so that one GPU
 * box can serve a team and the remote backend can be tested against a real server. One job runs at a time.
 */
export function createOpenAiServer(options: ServeOptions): Server {
  const { engine } = options;
  const { model } = engine;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const run = queue.then(job, job);
    queue = run.catch(() => undefined);
    return run;
  };

  async function features(videoUrl: string, kwargs: Record<string, unknown> | undefined, signal: AbortSignal): Promise<VideoFeatures> {
    const video = await resolveRequestVideo(videoUrl, options.allowedMediaPath);
    const sampling = samplingFromKwargs(kwargs);
    const c = model.config;
    if (video.kind === 'file') {
      try {
        const probe = await probeVideo(video.path, engine.tools, sampling, signal);
        const sha = await sha256OfFile(probe.video.path);
        return (await videoFeatures(engine, probe, sha, { probe: 0, decode: 0, vision: 0, prefill: 0, generate: 0, total: 0 }, { signal })).video;
      } finally {
        await video.cleanup?.();
      }
    }
    const first = jpegSize(video.images[0]!);
    if (!first) throw new BadRequestError('the first video frame is not a JPEG image');
    const fps = sampling.fps ?? 2;
    const plan: SamplingPlan = planFpsSampling({ frameCount: video.images.length, fps, width: first.width, height: first.height }, { ...sampling, rule: 'fps', fps: undefined, nframes: video.images.length });
    const frames = await decodeJpegFrames(video.images, plan.width, plan.height, engine.tools, signal);
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
    let body: ChatCompletionRequest;
    try {
      body = JSON.parse((await readBody(req, options.maxBodyBytes ?? 1 << 29)).toString('utf8')) as ChatCompletionRequest;
    } catch (err) {
      if (err instanceof BadRequestError) throw err;
      throw new BadRequestError('the request body is not valid JSON');
    }
    if (!options.modelNames.includes(body.model)) throw new BadRequestError(`model "${body.model}" does not exist; this server serves ${options.modelNames.map((n) => `"${n}"`).join(', ')}`, 404);
    const { chat, videoUrl } = toChat(body.messages);
    const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? 4096;
    if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new BadRequestError('max_tokens must be a positive integer');
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('client went away'));
    });

    await serial(async () => {
      abort.signal.throwIfAborted();
      const video = await features(videoUrl, body.mm_processor_kwargs, abort.signal);
      const sequence = await buildChatSequence(model, chat, video);
      const first = await model.forward(sequence.embeds, sequence.ids.length, sequence.positions.positionIds, model.emptyCache());
      const settings = samplingSettings(
        { generation: { temperature: body.temperature, top_k: body.top_k !== undefined && body.top_k <= 0 ? 0 : body.top_k, top_p: body.top_p, repetition_penalty: body.repetition_penalty } },
        model,
        body.seed ?? Math.floor(Math.random() * 2 ** 31),
      );
      const id = `chatcmpl-${randomUUID()}`;
      const created = Math.floor(Date.now() / 1000);
      const logprobs: Array<{ token: string; logprob: number; top_logprobs: Array<{ token: string; logprob: number }> }> = [];
      // OpenAI caps top_logprobs at 20; like vLLM's --max-logprobs, this server allows the whole vocabulary.
      const k = Math.max(0, Math.min(model.config.vocabSize, body.top_logprobs ?? 0));
      const chunk = (delta: Record<string, string>, finish: string | null) =>
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
        res.write(chunk({ role: 'assistant' }, null));
      }
      const out = await generateText(model, { lastLogits: first.lastLogits, cache: first.cache, nextPosition: sequence.positions.nextPosition, promptIds: sequence.ids }, {
        settings,
        maxNewTokens: maxTokens,
        stopTokenIds: model.config.eosTokenIds,
        signal: abort.signal,
        onStep: body.logprobs
          ? (logits, token) => {
              const lp = logSoftmax(logits);
              logprobs.push({
                token: model.tokenizer.decode([token], false),
                logprob: lp[token]!,
                top_logprobs: topLogprobs(lp, k).map((t) => ({ token: model.tokenizer.decode([t.id], false), logprob: t.logprob })),
              });
            }
          : undefined,
        onText: body.stream ? (delta) => res.write(chunk({ content: delta }, null)) : undefined,
      });
      const finish = out.finish;
      options.log?.(`${body.stream ? 'stream' : 'complete'} ${out.tokenIds.length} tokens (${finish}) in ${Math.round(out.ms)} ms`);
      if (body.stream) {
        res.write(chunk({}, finish));
        res.end('data: [DONE]\n\n');
        return;
      }
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: out.text }, finish_reason: finish, logprobs: body.logprobs ? { content: logprobs } : null }],
        usage: { prompt_tokens: sequence.ids.length, completion_tokens: out.tokenIds.length, total_tokens: sequence.ids.length + out.tokenIds.length },
      });
    });
  }

  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
    if (route === 'GET /health') return sendJson(res, 200, { status: 'ok', device: model.device });
    if (route === 'GET /v1/models') {
      return sendJson(res, 200, { object: 'list', data: options.modelNames.map((id) => ({ id, object: 'model', owned_by: 'cosmos-critic' })) });
    }
    if (route === 'POST /v1/chat/completions') {
      completions(req, res).catch((err: unknown) => {
        if (err instanceof BadRequestError) return sendError(res, err.status, err.message);
        if (err instanceof VideoInputError) return sendError(res, 400, err.message);
        if ((err as Error)?.name === 'AbortError' || res.destroyed) return;
        const message = (err as Error)?.message ?? String(err);
        options.log?.(`error: ${message}`);
        sendError(res, 500, message);
      });
      return;
    }
    sendError(res, 404, `no route ${route}`);
  });
}
