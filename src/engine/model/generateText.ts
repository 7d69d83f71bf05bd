import type { KvCache, LocalModel } from './localModel';
import { pickToken, seededRandom, type SamplingSettings } from './tokenSampler';

export interface GenerationRequest {
  settings: SamplingSettings;
  maxNewTokens: number;
  stopTokenIds: readonly number[];
  /** Sees each step's raw logits before the token is picked (for logprobs), and the token picked. */
  onStep?: (logits: Float32Array, token: number) => void;
  /** Receives each new piece of text as soon as it decodes to complete characters. */
  onText?: (delta: string, tokens: number) => void;
  signal?: AbortSignal;
}

export interface GenerationResult {
  text: string;
  tokenIds: number[];
  finish: 'stop' | 'length';
  ms: number;
}

/** The state right after the prompt: logits for the first new token, the KV cache, the next position. */
export interface Prefill {
  lastLogits: Float32Array;
  cache: KvCache;
  nextPosition: number;
  promptIds: readonly number[];
}

/**
 * Token-by-token decoding over the KV cache. Cancellation is checked before every step, so it stops within one step;
 * the cache it built is dropped with the loop.
 */
export async function generateText(model: LocalModel, prefill: Prefill, request: GenerationRequest): Promise<GenerationResult> {
  const started = performance.now();
  const random = seededRandom(request.settings.seed);
  const history = [...prefill.promptIds];
  const generated: number[] = [];
  let logits: Float32Array = prefill.lastLogits.slice();
  let cache = prefill.cache;
  let position = prefill.nextPosition;
  let emitted = '';
  let finish: GenerationResult['finish'] = 'length';
  while (generated.length < request.maxNewTokens) {
    request.signal?.throwIfAborted();
    const raw = request.onStep ? logits.slice() : logits;
    const token = pickToken(logits, request.settings, history, random);
    request.onStep?.(raw, token);
    if (request.stopTokenIds.includes(token)) {
      finish = 'stop';
      break;
    }
    generated.push(token);
    history.push(token);
    const text = model.tokenizer.decode(generated);
    // A multi-byte character split across tokens decodes to U+FFFD until its last byte arrives.
    if (request.onText && !text.endsWith('\uFFFD') && text.length > emitted.length && text.startsWith(emitted)) {
      request.onText(text.slice(emitted.length), generated.length);
      emitted = text;
    }
    if (generated.length >= request.maxNewTokens) break;
    const embeds = await model.embedTokens([token]);
    const ids = BigInt64Array.from([position, position, position].map(BigInt));
    const step = await model.forward(embeds, 1, ids, cache);
    logits = step.lastLogits;
    cache = step.cache;
    position++;
  }
  const text = model.tokenizer.decode(generated);
  // Whatever was held back waiting for more bytes goes out now, as it will be in the final text.
  if (request.onText && text.length > emitted.length && text.startsWith(emitted)) request.onText(text.slice(emitted.length), generated.length);
  return { text, tokenIds: generated, finish, ms: performance.now() - started };
}
