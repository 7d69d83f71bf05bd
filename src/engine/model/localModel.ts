import * as ort from 'onnxruntime-node';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { chooseExecutionProvider, type DeviceSetting } from './executionProvider';
import { ModelFolderError, openModelFolder, smallestPrecision, type ModelConfig, type ModelFolder, type Precision } from './modelFolder';
import { TextTokenizer } from './textTokenizer';
import type { TimeRule } from './mropePositions';

export interface LoadOptions {
  /** Overrides the model folder's M-RoPE time rule (CLI --time-rule, setting cosmosCritic.timeRule). */
  timeRule?: TimeRule;
  /** The graph variant; unset: fp32, or with `lowMemory` the smallest variant in the folder. */
  precision?: Precision;
  device?: DeviceSetting;
  cudaDeviceId?: number;
  /** Bound peak memory: the smallest variant, the vision encoder per few temporal groups, the prefill in chunks. */
  lowMemory?: boolean | Partial<Chunking>;
}

/** How big the pieces of a low-memory run are; the results equal those of one call. */
export interface Chunking {
  /** Temporal groups (two frames each) per vision-encoder call. */
  visionGroups: number;
  /** Prompt tokens per decoder call during the prefill. */
  prefillTokens: number;
}

/**
 * One temporal group per vision call bounds the encoder's full-attention blocks to one group's patches; 512-token
 * prefill chunks bound the [heads, chunk, past + chunk] scores and the chunk's [chunk, vocab] logits (for the 7B, the
 * logits of a 5,000-token prompt alone are 3 GB in float32; of a 512-token chunk, 0.3 GB).
 */
export const LOW_MEMORY_CHUNKING: Chunking = { visionGroups: 1, prefillTokens: 512 };

export function chunkingOf(lowMemory: LoadOptions['lowMemory']): Chunking | undefined {
  if (!lowMemory) return undefined;
  const chunking = { ...LOW_MEMORY_CHUNKING, ...(lowMemory === true ? {} : lowMemory) };
  for (const [key, value] of Object.entries(chunking)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`low-memory ${key} must be a whole number ≥ 1, not ${value}`);
  }
  return chunking;
}

/** How often each expensive stage ran: tests and benchmarks count work, not time. */
export interface ModelStats {
  visionRuns: number;
  decoderRuns: number;
  embedRuns: number;
}

const EXPECTED_IO: Record<'vision_encoder' | 'embed_tokens' | 'decoder_model_merged', { inputs: (c: ModelConfig) => string[]; outputs: (c: ModelConfig) => string[] }> = {
  vision_encoder: { inputs: () => ['pixel_values', 'grid_thw'], outputs: () => ['vision_features'] },
  embed_tokens: { inputs: () => ['input_ids'], outputs: () => ['inputs_embeds'] },
  decoder_model_merged: {
    inputs: (c) => ['inputs_embeds', 'attention_mask', 'position_ids', ...layerNames(c, 'past_key_values')],
    outputs: (c) => ['logits', ...layerNames(c, 'present')],
  },
};

function layerNames(c: ModelConfig, prefix: string): string[] {
  return Array.from({ length: c.numLayers }, (_, i) => [`${prefix}.${i}.key`, `${prefix}.${i}.value`]).flat();
}

function checkIo(session: ort.InferenceSession, graph: keyof typeof EXPECTED_IO, path: string, config: ModelConfig): void {
  const missing = [
    ...EXPECTED_IO[graph].inputs(config).filter((n) => !session.inputNames.includes(n)).map((n) => `input ${n}`),
    ...EXPECTED_IO[graph].outputs(config).filter((n) => !session.outputNames.includes(n)).map((n) => `output ${n}`),
  ];
  if (missing.length) {
    throw new ModelFolderError(
      `${path} does not match config.json (missing ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''}). Re-run tools/convert_cosmos_reason.py for this checkpoint.`,
    );
  }
}

/** The key/value cache after some tokens: one tensor pair per layer, plus how many positions it holds. */
export interface KvCache {
  tensors: Record<string, ort.Tensor>;
  length: number;
}

/** Cosmos Reason (Qwen2.5-VL) on onnxruntime: vision encoder, token embeddings and the decoder with its KV cache. */
export class LocalModel {
  readonly stats: ModelStats = { visionRuns: 0, decoderRuns: 0, embedRuns: 0 };

  private constructor(
    readonly folder: ModelFolder,
    readonly tokenizer: TextTokenizer,
    readonly device: string,
    /** Changes whenever the graphs or configs change: part of every cache key. */
    readonly fingerprint: string,
    /** The time rule in use: the override, else the model folder's. */
    readonly timeRule: TimeRule,
    private readonly vision: ort.InferenceSession,
    private readonly embed: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    /** Set in low-memory mode: the vision encoder and the prefill run in pieces. */
    readonly chunking?: Chunking,
  ) {}

  get config(): ModelConfig {
    return this.folder.config;
  }

  static async load(dir: string, options: LoadOptions = {}): Promise<LocalModel> {
    const chunking = chunkingOf(options.lowMemory);
    const folder = openModelFolder(dir, options.precision ?? (chunking ? smallestPrecision(dir) : 'fp32'));
    const tokenizer = new TextTokenizer(folder.tokenizerJson, folder.tokenizerConfig, `${folder.dir}/tokenizer_config.json`);
    const open = async (create: () => Promise<ort.InferenceSession>, path: string) => {
      try {
        return await create();
      } catch (err) {
        if (err instanceof Error && err.name === 'ExecutionProviderError') throw err;
        throw new ModelFolderError(`${path} cannot be loaded by onnxruntime (${String((err as Error).message ?? err).split('\n')[0]}). The file may be truncated or corrupt: re-copy or re-convert it.`);
      }
    };
    let chosen: Awaited<ReturnType<typeof chooseExecutionProvider>> | undefined;
    const decoder = await open(async () => {
      chosen = await chooseExecutionProvider(folder.graphs.decoder_model_merged, options.device ?? 'auto', options.cudaDeviceId ?? 0);
      return chosen.first;
    }, folder.graphs.decoder_model_merged);
    const factory = chosen!.factory;
    const vision = await open(() => factory.create(folder.graphs.vision_encoder), folder.graphs.vision_encoder);
    const embed = await open(() => factory.create(folder.graphs.embed_tokens), folder.graphs.embed_tokens);
    checkIo(vision, 'vision_encoder', folder.graphs.vision_encoder, folder.config);
    checkIo(embed, 'embed_tokens', folder.graphs.embed_tokens, folder.config);
    checkIo(decoder, 'decoder_model_merged', folder.graphs.decoder_model_merged, folder.config);
    return new LocalModel(folder, tokenizer, factory.device, fingerprintOf(folder), options.timeRule ?? folder.config.timeRule, vision, embed, decoder, chunking);
  }

  /**
   * Vision features for one video: [tokens, hidden] flattened. In low-memory mode the encoder sees a few temporal
   * groups per call: the patch rows are in temporal-group order and the graph's attention never crosses a group, so
   * the concatenated outputs are the one-call result.
   */
  async encodeVideo(pixelValues: Float32Array, rows: number, rowLength: number, grid: [number, number, number]): Promise<Float32Array> {
    const groups = this.chunking?.visionGroups ?? Infinity;
    if (grid[0] <= groups) return this.encodeGroups(pixelValues, rows, rowLength, grid);
    const rowsPerGroup = grid[1] * grid[2];
    if (rowsPerGroup * grid[0] !== rows) throw new ModelFolderError(`the vision grid ${grid.join('x')} does not hold ${rows} patch rows`);
    const featuresPerGroup = (rowsPerGroup / this.config.spatialMergeSize ** 2) * this.config.hiddenSize;
    const features = new Float32Array(grid[0] * featuresPerGroup);
    for (let t = 0; t < grid[0]; t += groups) {
      const n = Math.min(groups, grid[0] - t);
      const part = await this.encodeGroups(pixelValues.subarray(t * rowsPerGroup * rowLength, (t + n) * rowsPerGroup * rowLength), n * rowsPerGroup, rowLength, [n, grid[1], grid[2]]);
      features.set(part, t * featuresPerGroup);
    }
    return features;
  }

  private async encodeGroups(pixelValues: Float32Array, rows: number, rowLength: number, grid: [number, number, number]): Promise<Float32Array> {
    this.stats.visionRuns++;
    const out = await this.vision.run({
      pixel_values: new ort.Tensor('float32', pixelValues, [rows, rowLength]),
      grid_thw: new ort.Tensor('int64', BigInt64Array.from(grid.map(BigInt)), [1, 3]),
    });
    const features = out.vision_features!;
    const expected = (rows / this.config.spatialMergeSize ** 2) * this.config.hiddenSize;
    if (features.data.length !== expected) {
      throw new ModelFolderError(`${this.folder.graphs.vision_encoder} returned ${features.dims.join('x')} features, expected ${rows / 4}x${this.config.hiddenSize}.`);
    }
    return features.data as Float32Array;
  }

  async embedTokens(ids: readonly number[]): Promise<Float32Array> {
    this.stats.embedRuns++;
    const out = await this.embed.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]) });
    return out.inputs_embeds!.data as Float32Array;
  }

  emptyCache(): KvCache {
    const { numLayers, numKeyValueHeads, headDim } = this.config;
    const tensors: Record<string, ort.Tensor> = {};
    for (let i = 0; i < numLayers; i++) {
      for (const kind of ['key', 'value']) tensors[`past_key_values.${i}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, numKeyValueHeads, 0, headDim]);
    }
    return { tensors, length: 0 };
  }

  /**
   * Runs the decoder over `embeds` ([seq, hidden]) after `cache`; returns the logits of the last position and the
   * extended cache. The input cache is not modified, so several continuations can start from one prefill.
   */
  async forward(embeds: Float32Array, seq: number, positionIds: BigInt64Array, cache: KvCache): Promise<{ lastLogits: Float32Array; cache: KvCache }> {
    const chunk = this.chunking?.prefillTokens ?? Infinity;
    if (seq <= chunk) return this.forwardOnce(embeds, seq, positionIds, cache);
    // Chunked prefill: each piece attends to the cache of the pieces before it, so the last logits are the same.
    const hidden = this.config.hiddenSize;
    let step: { lastLogits: Float32Array; cache: KvCache } = { lastLogits: new Float32Array(0), cache };
    for (let start = 0; start < seq; start += chunk) {
      const end = Math.min(seq, start + chunk);
      const ids = new BigInt64Array(3 * (end - start));
      for (let plane = 0; plane < 3; plane++) ids.set(positionIds.subarray(plane * seq + start, plane * seq + end), plane * (end - start));
      step = await this.forwardOnce(embeds.subarray(start * hidden, end * hidden), end - start, ids, step.cache);
    }
    return step;
  }

  private async forwardOnce(embeds: Float32Array, seq: number, positionIds: BigInt64Array, cache: KvCache): Promise<{ lastLogits: Float32Array; cache: KvCache }> {
    this.stats.decoderRuns++;
    const total = cache.length + seq;
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: new ort.Tensor('float32', embeds, [1, seq, this.config.hiddenSize]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new ort.Tensor('int64', positionIds, [3, 1, seq]),
      ...cache.tensors,
    };
    const out = await this.decoder.run(feeds);
    const logits = out.logits!;
    const vocab = logits.dims[2]!;
    const lastLogits = (logits.data as Float32Array).slice((seq - 1) * vocab, seq * vocab);
    const tensors: Record<string, ort.Tensor> = {};
    for (const name of Object.keys(cache.tensors)) tensors[name] = out[name.replace('past_key_values', 'present')]!;
    return { lastLogits, cache: { tensors, length: total } };
  }
}

function fingerprintOf(folder: ModelFolder): string {
  const hash = createHash('sha256');
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json']) hash.update(readFileSync(`${folder.dir}/${file}`));
  hash.update(JSON.stringify(folder.config.processorPixels ?? null));
  for (const path of Object.values(folder.graphs)) {
    const s = statSync(path);
    hash.update(`${basename(path)}:${s.size}:${s.mtimeMs}`);
  }
  return hash.digest('hex').slice(0, 16);
}
