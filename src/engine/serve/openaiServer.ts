import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { LocalEngine } from '../evaluate/evaluateVideo';
import type { WorkerPool } from '../jobs/workerPool';
import { SamplingError } from '../media/samplingPlan';
import { VideoInputError } from '../media/videoInputError';
import type { LocalModel } from '../model/localModel';
import { openModelFolder } from '../model/modelFolder';
import { TextTokenizer } from '../model/textTokenizer';
import { ApiError } from './apiError';
import { checkContext, runCompletion, type CompletionContext, type CompletionOutput, type CompletionSink } from './completionRun';
import { JobQueue } from './jobQueue';
import { readJsonBody } from './requestBody';
import { validateRequest, type CompletionRequest } from './requestFields';
import { RequestGuard, type AccessRules } from './requestGuard';
import { allowedMediaFolder } from './requestVideo';
import { DEFAULT_SERVE_LIMITS, overLimit, SERVE_LIMIT_RANGES, type ServeLimits } from './serveLimits';
import { rangeProblem } from './numberRange';

/** What the server itself reads of the model: its configs and tokenizer (the weights are the engine's). */
export type ServedModel = Pick<LocalModel, 'folder' | 'tokenizer' | 'config'>;

/** A model folder's configs and tokenizer, without its graphs: what a server whose engines are workers needs. */
export function servedModel(dir: string): ServedModel {
  const folder = openModelFolder(dir, 'fp32', false);
  return { folder, config: folder.config, tokenizer: new TextTokenizer(folder.tokenizerJson, folder.tokenizerConfig, `${folder.dir}/tokenizer_config.json`) };
}

export interface ServeOptions {
  /** The engine in this process; or, with `workers`, none: requests run on the workers, spread by load. */
  engine?: LocalEngine;
  /** Engine worker processes (one per GPU, or N on the CPU): as many requests run at once as there are workers. */
  workers?: WorkerPool;
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
export function serveLimits(model: Pick<ServedModel, 'config' | 'folder'>, limits: Partial<ServeLimits> = {}): ServeLimits {
  const context = model.config.maxPositionEmbeddings;
  const maxModelLen = limits.maxModelLen ?? context;
  if (maxModelLen === undefined) throw new Error(`${model.folder.dir}/config.json has no max_position_embeddings: give the context length with --max-model-len`);
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
 * box can serve a team and the remote backend can be tested against a real server. One job runs at a time on the
 * engine in this process, or one on each engine worker (the least-loaded takes the next); every request is checked
 * (name, origin, key, type, size, fields, limits) before it may wait for its turn.
 */
export function createOpenAiServer(options: ServeOptions): Server {
  const { engine, workers } = options;
  if (!engine === !workers) throw new Error('the server needs either an engine or engine workers');
  const model: ServedModel = engine?.model ?? servedModel(workers!.modelDir);
  const c = model.config;
  const limits = serveLimits(model, options.limits);
  const context: CompletionContext = { limits, ...(options.allowedMediaPath !== undefined && { mediaFolder: allowedMediaFolder(options.allowedMediaPath) }) };
  const guard = new RequestGuard({ bindHost: '127.0.0.1', ...options.access });
  const parallel = workers?.size ?? 1;
  const queue = new JobQueue(limits.maxQueue, parallel);
  const tokenBytes = longestTokenBytes(model.folder.tokenizerJson);
  const device = () => (engine ? engine.model.device : workers!.devices.join(', '));
  const run = (request: CompletionRequest, textTokens: number, sink: CompletionSink, signal: AbortSignal): Promise<CompletionOutput> =>
    workers ? workers.complete(request, textTokens, context, sink, signal) : queue.run(() => runCompletion(engine!, context, request, textTokens, sink, signal));

  async function completions(req: IncomingMessage, res: ServerResponse): Promise<void> {
    guard.checkJsonBody(req);
    const place = queue.admit();
    if (!place) {
      req.resume();
      const waiting = queue.size - parallel;
      throw overLimit(limits, 'maxQueue', `${parallel === 1 ? 'one request is' : `${parallel} requests are`} running and ${waiting} waiting; retry later`);
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
      checkContext(limits, textTokens, undefined, request.maxTokens ?? 1);
      const abort = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) abort.abort(new Error('client went away'));
      });
      await complete(request, textTokens, res, abort.signal);
    } finally {
      place.release();
    }
  }

  async function complete(request: CompletionRequest, textTokens: number, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, string>, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const sink: CompletionSink = {
      onStart: () => {
        if (!request.stream || res.headersSent) return;
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
        res.write(chunk({ role: 'assistant' }, null));
      },
      onText: (delta) => res.write(chunk({ content: delta }, null)),
    };
    const out = await run(request, textTokens, sink, signal);
    options.log?.(`${request.stream ? 'stream' : 'complete'} ${out.completionTokens} tokens (${out.finish}) in ${Math.round(out.ms)} ms`);
    if (request.stream) {
      res.write(chunk({}, out.finish));
      res.end('data: [DONE]\n\n');
      return;
    }
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: request.model,
      choices: [{ index: 0, message: { role: 'assistant', content: out.text }, finish_reason: out.finish, logprobs: out.logprobs ? { content: out.logprobs } : null }],
      usage: { prompt_tokens: out.promptTokens, completion_tokens: out.completionTokens, total_tokens: out.promptTokens + out.completionTokens },
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
      return sendJson(res, 200, { status: 'ok', device: device() });
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
