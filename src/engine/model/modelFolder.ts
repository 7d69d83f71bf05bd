import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProcessorPixels } from '../../shared/video';
import { TIME_RULES, type TimeRule } from './mropePositions';

export type Precision = 'fp32' | 'fp16' | 'q4';
export const PRECISIONS: readonly Precision[] = ['fp32', 'fp16', 'q4'];
const SUFFIX: Record<Precision, string> = { fp32: '', fp16: '_fp16', q4: '_q4' };

export const CONFIG_FILES = ['config.json', 'generation_config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
export const GRAPHS = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;
export type GraphName = (typeof GRAPHS)[number];

/** What the runtime needs from config.json, generation_config.json and preprocessor_config.json. */
export interface ModelConfig {
  id: string;
  hiddenSize: number;
  numLayers: number;
  numKeyValueHeads: number;
  headDim: number;
  vocabSize: number;
  videoTokenId: number;
  visionStartTokenId: number;
  visionEndTokenId: number;
  tokensPerSecond: number;
  spatialMergeSize: number;
  patchSize: number;
  temporalPatchSize: number;
  imageMean: [number, number, number];
  imageStd: [number, number, number];
  rescaleFactor: number;
  eosTokenIds: number[];
  /** The M-RoPE time rule the checkpoint was trained with, as the conversion tool recorded it (cosmos_critic.json). */
  timeRule: TimeRule;
  timeRuleReason: string;
  /** The processor's pixel bounds for video frames (video_preprocessor_config.json, else preprocessor_config.json). */
  processorPixels?: ProcessorPixels;
  /** The longest sequence (prompt + completion) the model was trained for, when config.json says. */
  maxPositionEmbeddings?: number;
  generationDefaults: { temperature?: number; topK?: number; topP?: number; repetitionPenalty?: number; doSample?: boolean };
}

export interface ModelFolder {
  dir: string;
  precision: Precision;
  config: ModelConfig;
  graphs: Record<GraphName, string>;
  tokenizerJson: unknown;
  tokenizerConfig: Record<string, unknown>;
}

/** A model folder that cannot be used; the message names the file and what to do. */
export class ModelFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFolderError';
  }
}

const CONVERT_HINT = 'Convert the checkpoint with tools/convert_cosmos_reason.py (see README, "Models").';

function readJson(dir: string, file: string): Record<string, unknown> {
  const path = join(dir, file);
  if (!existsSync(path)) throw new ModelFolderError(`${path} is missing: the model folder needs ${CONFIG_FILES.join(', ')} and onnx/*.onnx. ${CONVERT_HINT}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ModelFolderError(`${path} is not valid JSON (${(err as Error).message}). Re-copy it from the checkpoint.`);
  }
}

function num(source: Record<string, unknown>, key: string, file: string, fallback?: number): number {
  const v = source[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ModelFolderError(`${file}: "${key}" is missing or not a number. ${CONVERT_HINT}`);
  return v;
}

function triple(source: Record<string, unknown>, key: string, file: string): [number, number, number] {
  const v = source[key];
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number')) throw new ModelFolderError(`${file}: "${key}" must be three numbers.`);
  return v as [number, number, number];
}

/** Written by the conversion tool beside the Hugging Face files: facts about the checkpoint the configs do not carry. */
export const MODEL_NOTES_FILE = 'cosmos_critic.json';
const DEFAULT_TIME_RULE_REASON = `not recorded in ${MODEL_NOTES_FILE}: float, as vLLM (which serves NVIDIA's critic) computes it`;

function readTimeRule(dir: string): { timeRule: TimeRule; timeRuleReason: string } {
  if (!existsSync(join(dir, MODEL_NOTES_FILE))) return { timeRule: 'float', timeRuleReason: DEFAULT_TIME_RULE_REASON };
  const notes = readJson(dir, MODEL_NOTES_FILE);
  const rule = notes.time_rule ?? 'float';
  if (typeof rule !== 'string' || !TIME_RULES.includes(rule as TimeRule)) {
    throw new ModelFolderError(`${join(dir, MODEL_NOTES_FILE)}: "time_rule" must be ${TIME_RULES.join(' or ')}, not ${JSON.stringify(rule)}. Fix the file or re-run the conversion.`);
  }
  return { timeRule: rule as TimeRule, timeRuleReason: typeof notes.time_rule_reason === 'string' ? notes.time_rule_reason : `recorded in ${MODEL_NOTES_FILE}` };
}

/**
 * The pixel bounds the checkpoint's processor applies to video frames: `min_pixels`/`max_pixels`, or the newer
 * `size: {shortest_edge, longest_edge}` (which hold the same two pixel counts). The video processor's file wins.
 */
export function readProcessorPixels(dir: string, preprocessor: Record<string, unknown>): ProcessorPixels | undefined {
  const sources: [string, Record<string, unknown>][] = [];
  if (existsSync(join(dir, 'video_preprocessor_config.json'))) sources.push(['video_preprocessor_config.json', readJson(dir, 'video_preprocessor_config.json')]);
  sources.push(['preprocessor_config.json', preprocessor]);
  for (const [file, config] of sources) {
    const size = (config.size ?? {}) as Record<string, unknown>;
    const min = config.min_pixels ?? size.shortest_edge;
    const max = config.max_pixels ?? size.longest_edge;
    if (min === undefined && max === undefined) continue;
    if (typeof min !== 'number' || typeof max !== 'number' || !(min > 0) || !(max >= min)) {
      throw new ModelFolderError(`${join(dir, file)}: min_pixels/max_pixels (or size.shortest_edge/longest_edge) must be two positive numbers with min ≤ max, not ${JSON.stringify(min)} / ${JSON.stringify(max)}.`);
    }
    return { min_pixels: min, max_pixels: max };
  }
  return undefined;
}

/** Smallest first: what `--low-memory` takes when no precision is named. */
export const PRECISIONS_BY_SIZE: readonly Precision[] = ['q4', 'fp16', 'fp32'];

/** The smallest variant whose three graphs are all in the folder (fp32 when none is complete, so the error names it). */
export function smallestPrecision(inputDir: string): Precision {
  const dir = resolve(inputDir);
  return PRECISIONS_BY_SIZE.find((p) => GRAPHS.every((g) => existsSync(graphPath(dir, g, p)))) ?? 'fp32';
}

export function graphPath(dir: string, graph: GraphName, precision: Precision): string {
  return join(dir, 'onnx', `${graph}${SUFFIX[precision]}.onnx`);
}

/** Reads and checks a model folder (Hugging Face config files + onnx/ graphs) without loading any weights. */
export function openModelFolder(inputDir: string, precision: Precision = 'fp32', requireGraphs = true): ModelFolder {
  const dir = resolve(inputDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ModelFolderError(`model folder ${dir} does not exist. Set cosmosCritic.modelPath (CLI: --model DIR) to a converted model. ${CONVERT_HINT}`);
  }
  const [config, generation, preprocessor] = [readJson(dir, 'config.json'), readJson(dir, 'generation_config.json'), readJson(dir, 'preprocessor_config.json')];
  const tokenizerJson = readJson(dir, 'tokenizer.json');
  const tokenizerConfig = readJson(dir, 'tokenizer_config.json');
  // Newer checkpoints keep the chat template in chat_template.json rather than tokenizer_config.json.
  if (typeof tokenizerConfig.chat_template !== 'string' && existsSync(join(dir, 'chat_template.json'))) {
    tokenizerConfig.chat_template = readJson(dir, 'chat_template.json').chat_template;
  }
  const vision = (config.vision_config ?? {}) as Record<string, unknown>;
  const hiddenSize = num(config, 'hidden_size', 'config.json');
  const heads = num(config, 'num_attention_heads', 'config.json');
  const eos = generation.eos_token_id ?? config.eos_token_id;
  const graphs = Object.fromEntries(GRAPHS.map((g) => [g, graphPath(dir, g, precision)])) as Record<GraphName, string>;
  for (const path of requireGraphs ? Object.values(graphs) : []) {
    if (!existsSync(path)) {
      const others = PRECISIONS.filter((p) => p !== precision && existsSync(graphPath(dir, 'decoder_model_merged', p)));
      const alt = others.length ? ` This folder has the ${others.join(', ')} variant${others.length > 1 ? 's' : ''}: set cosmosCritic.precision (CLI: --precision).` : ` ${CONVERT_HINT}`;
      throw new ModelFolderError(`${path} is missing (precision ${precision}).${alt}`);
    }
  }
  return {
    dir,
    precision,
    graphs,
    tokenizerJson,
    tokenizerConfig,
    config: {
      id: typeof config._name_or_path === 'string' && config._name_or_path ? config._name_or_path : dir.split(/[\\/]/).pop()!,
      hiddenSize,
      numLayers: num(config, 'num_hidden_layers', 'config.json'),
      numKeyValueHeads: num(config, 'num_key_value_heads', 'config.json', heads),
      headDim: num(config, 'head_dim', 'config.json', hiddenSize / heads),
      vocabSize: num(config, 'vocab_size', 'config.json'),
      videoTokenId: num(config, 'video_token_id', 'config.json'),
      visionStartTokenId: num(config, 'vision_start_token_id', 'config.json'),
      visionEndTokenId: num(config, 'vision_end_token_id', 'config.json'),
      tokensPerSecond: num(vision, 'tokens_per_second', 'config.json (vision_config)', 2),
      spatialMergeSize: num(vision, 'spatial_merge_size', 'config.json (vision_config)', 2),
      patchSize: num(preprocessor, 'patch_size', 'preprocessor_config.json', 14),
      temporalPatchSize: num(preprocessor, 'temporal_patch_size', 'preprocessor_config.json', 2),
      imageMean: triple(preprocessor, 'image_mean', 'preprocessor_config.json'),
      imageStd: triple(preprocessor, 'image_std', 'preprocessor_config.json'),
      rescaleFactor: num(preprocessor, 'rescale_factor', 'preprocessor_config.json', 1 / 255),
      eosTokenIds: (Array.isArray(eos) ? eos : [eos]).filter((x): x is number => typeof x === 'number'),
      ...readTimeRule(dir),
      processorPixels: readProcessorPixels(dir, preprocessor),
      maxPositionEmbeddings: [config.max_position_embeddings, (config.text_config as Record<string, unknown> | undefined)?.max_position_embeddings].find((v): v is number => typeof v === 'number'),
      generationDefaults: {
        temperature: generation.temperature as number | undefined,
        topK: generation.top_k as number | undefined,
        topP: generation.top_p as number | undefined,
        repetitionPenalty: generation.repetition_penalty as number | undefined,
        doSample: generation.do_sample as boolean | undefined,
      },
    },
  };
}
