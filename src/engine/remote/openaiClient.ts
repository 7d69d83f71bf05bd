import { redactSecrets } from '../../shared/redactSecrets';
import type { ChatCompletionChunk, ChatCompletionRequest, ChatCompletionResponse } from './chatTypes';

export interface EndpointOptions {
  baseUrl: string;
  apiKey?: string;
  /** Per-attempt time limit for a response to start (and, when streaming, between chunks). */
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
}

/** A failure talking to an endpoint. `retryable` failures (429, 5xx, network, timeouts) may succeed elsewhere or later. */
export class EndpointError extends Error {
  constructor(
    readonly endpoint: string,
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'EndpointError';
  }
}

const API_KEY_HINT = 'set the API key (CLI: COSMOS_CRITIC_API_KEY; VS Code: "Cosmos Critic: Select Backend")';

function describeStatus(endpoint: string, status: number, body: string, model: string, secrets: ReadonlyArray<string | undefined>): EndpointError {
  const error = describeStatusUnredacted(endpoint, status, body, model);
  // A server may echo the request (its headers included) into an error body.
  return new EndpointError(endpoint, redactSecrets(error.message, secrets), error.retryable, error.status);
}

function describeStatusUnredacted(endpoint: string, status: number, body: string, model: string): EndpointError {
  let detail = body.trim().slice(0, 300);
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    detail = (typeof parsed.error === 'string' ? parsed.error : parsed.error?.message) ?? parsed.message ?? detail;
  } catch {
    // not JSON: keep the text
  }
  if (status === 401) return new EndpointError(endpoint, `${endpoint} rejected the API key (HTTP ${status}): ${API_KEY_HINT}`, false, status);
  // A 403 may be about the key, or (cosmos-critic serve) about the host name, the web origin or a file: say which.
  if (status === 403) return new EndpointError(endpoint, `${endpoint} refused access (HTTP 403${detail ? `: ${detail}` : ''}); if it needs an API key, ${API_KEY_HINT}`, false, status);
  if (status === 404) return new EndpointError(endpoint, `${endpoint} has no chat-completions route or no model "${model}" (HTTP 404: ${detail}). Check the base URL (…/v1) and the model name in its /v1/models`, false, status);
  if (status === 429) return new EndpointError(endpoint, `${endpoint} is rate limiting (HTTP 429)`, true, status);
  if (status >= 500) return new EndpointError(endpoint, `${endpoint} failed (HTTP ${status}: ${detail})`, true, status);
  return new EndpointError(endpoint, `${endpoint} refused the request (HTTP ${status}: ${detail}). The server may not support video input for "${model}" or these parameters`, false, status);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });

/**
 * A base URL as fetch can use it: credentials written into it (`http://user:key@host/v1`) move into a Basic
 * authorization header, as curl sends them; `label` is the URL with every secret masked, for messages and results.
 */
export function endpointAddress(baseUrl: string): { url: string; label: string; authorization?: string } {
  const trimmed = baseUrl.replace(/\/+$/, '');
  let url = trimmed;
  let authorization: string | undefined;
  try {
    const parsed = new URL(trimmed);
    if (parsed.username || parsed.password) {
      authorization = `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`;
      parsed.username = '';
      parsed.password = '';
      url = parsed.href.replace(/\/+$/, '');
    }
  } catch {
    // Not a URL: fetch says so, naming the label.
  }
  return { url, label: redactSecrets(trimmed), ...(authorization && { authorization }) };
}

/** One OpenAI-compatible endpoint: timeouts, retries with exponential backoff on retryable failures, SSE streaming. */
export class OpenAiClient {
  /** The base URL as shown in messages and recorded in results: credentials masked. */
  readonly baseUrl: string;
  private readonly url: string;
  private readonly authorization: string | undefined;

  constructor(private readonly options: EndpointOptions) {
    const address = endpointAddress(options.baseUrl);
    this.baseUrl = address.label;
    this.url = address.url;
    this.authorization = options.apiKey ? `Bearer ${options.apiKey}` : address.authorization;
  }

  private async attempt<T>(body: ChatCompletionRequest, signal: AbortSignal | undefined, read: (response: Response, abort: AbortController, timer: { reset(): void }) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    const onOuterAbort = () => abort.abort(signal!.reason);
    signal?.addEventListener('abort', onOuterAbort, { once: true });
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    let timedOut = false;
    let handle: NodeJS.Timeout | undefined;
    const timer = {
      reset() {
        clearTimeout(handle);
        handle = setTimeout(() => {
          timedOut = true;
          abort.abort(new Error('timeout'));
        }, timeoutMs);
      },
    };
    timer.reset();
    try {
      const response = await fetch(`${this.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.authorization ? { authorization: this.authorization } : {}) },
        body: JSON.stringify(body),
        signal: abort.signal,
      });
      if (!response.ok) throw describeStatus(this.baseUrl, response.status, await response.text(), body.model, [this.options.apiKey, this.authorization?.split(' ')[1]]);
      return await read(response, abort, timer);
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      if (err instanceof EndpointError) throw err;
      if (timedOut) throw new EndpointError(this.baseUrl, `${this.baseUrl} did not answer within ${Math.round(timeoutMs / 1000)} s`, true);
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new EndpointError(this.baseUrl, redactSecrets(`${this.baseUrl} could not be reached (${cause?.code ?? cause?.message ?? (err as Error).message})`, [this.options.apiKey]), true);
    } finally {
      clearTimeout(handle);
      signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  private async withRetries<T>(run: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const retries = this.options.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if (!(err instanceof EndpointError) || !err.retryable || attempt >= retries) throw err;
        await sleep((this.options.backoffMs ?? 500) * 2 ** attempt * (0.75 + Math.random() / 2), signal);
      }
    }
  }

  complete(body: ChatCompletionRequest, signal?: AbortSignal): Promise<ChatCompletionResponse> {
    return this.withRetries(
      () =>
        this.attempt({ ...body, stream: false }, signal, async (response) => {
          const text = await response.text();
          let parsed: ChatCompletionResponse;
          try {
            parsed = JSON.parse(text) as ChatCompletionResponse;
          } catch {
            throw new EndpointError(this.baseUrl, redactSecrets(`${this.baseUrl} answered with malformed JSON (${text.slice(0, 80)}…)`, [this.options.apiKey]), true);
          }
          if (!parsed.choices?.[0]?.message) throw new EndpointError(this.baseUrl, `${this.baseUrl} answered without choices[0].message`, true);
          return parsed;
        }),
      signal,
    );
  }

  /**
   * Streams a completion (server-sent events). Retries only while nothing has been delivered: once text reached the
   * caller, a dropped stream is an error rather than a silent restart that would duplicate text.
   */
  stream(
    body: ChatCompletionRequest,
    onText: (delta: string) => void,
    signal?: AbortSignal,
    onReasoning?: (delta: string) => void,
  ): Promise<{ text: string; reasoning: string; finish: 'stop' | 'length' }> {
    let delivered = false;
    return this.withRetries(async () => {
      try {
        return await this.attempt({ ...body, stream: true }, signal, async (response, _abort, timer) => {
          if (!response.body) throw new EndpointError(this.baseUrl, `${this.baseUrl} sent no stream body`, true);
          let text = '';
          let reasoning = '';
          let finish: 'stop' | 'length' | null = null;
          let buffer = '';
          let done = false;
          const decoder = new TextDecoder();
          const chunks = (async function* (body: AsyncIterable<Uint8Array>, endpoint: string) {
            try {
              yield* body;
            } catch (err) {
              if ((err as Error).name === 'AbortError') throw err;
              throw new EndpointError(endpoint, `${endpoint} dropped the stream after ${text.length + reasoning.length} characters`, !delivered);
            }
          })(response.body as unknown as AsyncIterable<Uint8Array>, this.baseUrl);
          for await (const chunk of chunks) {
            timer.reset();
            buffer += decoder.decode(chunk, { stream: true });
            let newline: number;
            while ((newline = buffer.indexOf('\n')) >= 0) {
              const line = buffer.slice(0, newline).trim();
              buffer = buffer.slice(newline + 1);
              if (!line.startsWith('data:')) continue;
              const data = line.slice(5).trim();
              if (data === '[DONE]') {
                done = true;
                continue;
              }
              let event: ChatCompletionChunk;
              try {
                event = JSON.parse(data) as ChatCompletionChunk;
              } catch {
                throw new EndpointError(this.baseUrl, `${this.baseUrl} sent a malformed stream event (${data.slice(0, 80)})`, !delivered);
              }
              const choice = event.choices?.[0];
              // A reasoning parser streams the thinking in its own field before the answer.
              const thought = choice?.delta?.reasoning ?? choice?.delta?.reasoning_content;
              if (thought) {
                delivered = true;
                reasoning += thought;
                onReasoning?.(thought);
              }
              if (choice?.delta?.content) {
                delivered = true;
                text += choice.delta.content;
                onText(choice.delta.content);
              }
              if (choice?.finish_reason) finish = choice.finish_reason;
            }
          }
          if (!done && finish === null) throw new EndpointError(this.baseUrl, `${this.baseUrl} dropped the stream after ${text.length + reasoning.length} characters`, !delivered);
          return { text, reasoning, finish: finish ?? 'stop' };
        });
      } catch (err) {
        if (err instanceof EndpointError && delivered) throw new EndpointError(err.endpoint, err.message, false, err.status);
        throw err;
      }
    }, signal);
  }
}
