import { NotificationType, RequestType, RequestType0, type WorkDoneProgressParams } from 'vscode-languageserver-protocol';
import type { ErrorCode } from './errorCodes';
import type { CriticResult } from './result';
import type { FileError, ProbeOutcome, SamplingOptions } from './video';

/** Settings the extension hands to the critic server when it starts it. */
export interface CriticServerOptions {
  ffmpegPath?: string;
  /** Converted model folder for the local (onnx) backend. */
  modelPath?: string;
  precision?: 'fp32' | 'fp16' | 'q4';
  device?: 'auto' | 'cuda' | 'cpu';
  cudaDeviceId?: number;
  /** One engine worker process per CUDA device listed (jobs spread by load; a worker that dies is restarted and its
   *  job run once more); empty or absent: one engine in the server process, on `cudaDeviceId`. */
  cudaDevices?: number[];
  /** Engine worker processes on the CPU (when no `cudaDevices`); 1 or absent: the engine runs in the server process. */
  workers?: number;
  /** The smallest graph variant, the vision encoder and the prefill in pieces: same results, lower peak memory. */
  lowMemory?: boolean;
  /** Overrides the model folder's M-RoPE time rule. */
  timeRule?: 'float' | 'truncate';
  /** Vision-feature and result cache; default ~/.cache/cosmos-critic. */
  cacheDir?: string;
  /** `onnx` (the embedded model) or `openai` (OpenAI-compatible servers; the API key comes in COSMOS_CRITIC_API_KEY). */
  backend?: 'onnx' | 'openai';
  endpoints?: string[];
  /** The served model's name; default: the first one the first endpoint lists. */
  servedModelName?: string;
  videoInput?: 'frames' | 'frames-png' | 'url' | 'file';
  /** A chosen model profile (reason1, reason1-reward, reason2, cosmos3-reasoner); absent: from the served model's name. */
  modelProfile?: string;
}

export interface ProbeParams {
  /** Absolute file-system paths of the videos. */
  paths: string[];
  sampling?: SamplingOptions;
}

export interface ProbeResponse {
  results: ProbeOutcome[];
}

export const ProbeRequest = new RequestType<ProbeParams, ProbeResponse, void>('critic/probe');

/** Where a job's result is recorded: a results store (src/engine/store/resultStore.ts) rooted at `root`. */
export interface StoreTarget {
  /** The store's folder (`<workspace folder>/.cosmos-critic`, or cosmosCritic.resultsDir); result files go under `<root>/results/`. */
  root: string;
  /** Result files are named by the video's path under this folder (its workspace folder); default, or when the video
   *  lies outside it: the video's own folder. */
  videosRoot?: string;
}

/** One video through the local model: reward (`critic/score`) or critique (`critic/critique`). */
export interface EvaluateParams extends WorkDoneProgressParams {
  path: string;
  /** A prompt file path, or the name of a shipped prompt ("reward", "critic-detailed"). Default by mode. */
  prompt?: string;
  trials?: number;
  seed?: number;
  maxNewTokens?: number;
  force?: boolean;
  /** Echoed in `critic/text` notifications so the client can route streamed text to its panel. */
  jobId?: string;
  /** Record the result (or the failure) in this results store; absent: nothing is written. */
  store?: StoreTarget;
}

/** `resultFile`: where the store wrote the result (null when no store was given, or writing failed: `writeError` says why). */
export type EvaluateOutcome =
  | { ok: true; result: CriticResult; resultFile: string | null; writeError?: FileError }
  | { ok: false; error: FileError };

export const ScoreRequest = new RequestType<EvaluateParams, EvaluateOutcome, void>('critic/score');
export const CritiqueRequest = new RequestType<EvaluateParams, EvaluateOutcome, void>('critic/critique');

/** Streamed critique text, as it is generated. */
export interface TextDeltaParams {
  jobId: string;
  trial: number;
  delta: string;
}
export const TextDeltaNotification = new NotificationType<TextDeltaParams>('critic/text');

/** Which backend and device the server would use, for the status bar. */
export interface BackendInfo {
  backend: 'onnx' | 'openai';
  modelPath: string | null;
  device: string | null;
  error: string | null;
  /** The kind of `error` (src/shared/errorCodes.ts); null with no error. */
  errorCode: ErrorCode | null;
}
export const BackendInfoRequest = new RequestType0<BackendInfo, void>('critic/backendInfo');

/** What the player plays for a video: the original, or an H.264 proxy made for playback only (the model reads the original). */
export interface ProxyParams extends WorkDoneProgressParams {
  path: string;
  /** Make the proxy even when the metadata says the original plays (the webview reported that it cannot). */
  force?: boolean;
  /** Folder for proxies; default `<cacheDir>/proxies`. */
  outDir?: string;
}

export interface PlaybackSource {
  /** The file to play: the original path, or its proxy. */
  path: string;
  proxy: boolean;
  /** Why the original does not play in a webview; null when it does (and no proxy was forced). */
  reason: string | null;
  /** The proxy was there already. */
  cached: boolean;
}

export type ProxyOutcome = { ok: true; playback: PlaybackSource } | { ok: false; error: FileError };
export const ProxyRequest = new RequestType<ProxyParams, ProxyOutcome, void>('critic/proxy');

/** Small JPEGs of the frames the model saw, for the player's frame strip. Give `frameTimes` or `frameIndices`. */
export interface ThumbnailsParams {
  path: string;
  /** Times of the frames, e.g. a result's `sampling.frame_times_s`; the frame shown at each time is used. */
  frameTimes?: number[];
  /** Frame indices, e.g. a sampling plan's `frame_indices`. */
  frameIndices?: number[];
  /** Folder for thumbnails; default `<cacheDir>/thumbnails`. */
  outDir?: string;
  /** Draw the timestamp band the model saw, scaled from a frame `frameWidth` wide with a `bandHeight`-row band. */
  overlay?: { frameWidth: number; bandHeight: number };
}

export interface FrameThumbnail {
  /** The time asked for (or the frame's time, when indices were given). */
  time_s: number;
  index: number;
  /** A JPEG file. */
  path: string;
}

export type ThumbnailsOutcome = { ok: true; thumbnails: FrameThumbnail[]; cached: boolean } | { ok: false; error: FileError };
export const ThumbnailsRequest = new RequestType<ThumbnailsParams, ThumbnailsOutcome, void>('critic/thumbnails');

/** Language id of `*.prompt.md` files; the server's prompt-file features serve these documents. */
export const PROMPT_LANGUAGE_ID = 'critic-prompt';

/** Command of the prompt file's code lens; its one argument is the prompt document's URI (a string). */
export const RUN_PROMPT_ON_PINS_COMMAND = 'cosmosCritic.runPromptOnPins';

/** The videos a prompt file pins, resolved against the workspace folder that holds it. */
export interface PromptPinsParams {
  /** The prompt document's URI; the open document's text is used when the client has it open. */
  uri: string;
}

export interface PinnedVideo {
  /** As written under `pin:`. */
  pin: string;
  /** Absolute file-system path; null when the pin is not a workspace-relative path. */
  path: string | null;
  exists: boolean;
}

export interface PromptPins {
  /** The folder pins are relative to: the workspace folder holding the prompt, else the prompt's own folder. */
  root: string | null;
  pins: PinnedVideo[];
}

export const PromptPinsRequest = new RequestType<PromptPinsParams, PromptPins, void>('critic/promptPins');

/** A batch over folders/videos with prompts; results go to `outDir` (the workspace's results folder). */
export interface BatchParams extends WorkDoneProgressParams {
  /** Folders (searched recursively), globs or video files. */
  inputs: string[];
  /** Prompt file paths or shipped prompt names; default ["reward"]. */
  prompts?: string[];
  outDir: string;
  /** Result files are named by each video's path under this folder (the workspace folder), so runs over a subfolder and
   *  over the whole folder share them and resume each other. Default, or when a video lies outside it: the videos' common folder. */
  videosRoot?: string;
  include?: string[];
  exclude?: string[];
  concurrency?: number;
  batchSize?: number;
  resume?: boolean;
  /** Band cut-offs for the summary and for sorting (calibrated ones, as `batch --bands`); default 0.7 / 0.3. */
  bands?: { high: number; low: number };
  /** Place the videos into <dir>/good, uncertain, bad by band, as links or copies (as `batch --sort-into`). */
  sortInto?: { dir: string; mode: 'link' | 'copy' };
}

/** What sorting into band folders did. */
export interface BatchSorted {
  dir: string;
  placed: { good: number; uncertain: number; bad: number };
  /** Videos without a usable score: not placed. */
  unscored: number;
  /** One line per video that could not be placed. */
  errors: string[];
}

export interface BatchSummary {
  runId: string;
  status: 'done' | 'cancelled';
  counts: { total: number; done: number; failed: number; skipped: number };
  manifestPath: string;
  outDir: string;
  /** Present when the request asked for `sortInto`. */
  sorted?: BatchSorted;
}

export type BatchOutcome = { ok: true; summary: BatchSummary } | { ok: false; error: FileError };
export const BatchRequest = new RequestType<BatchParams, BatchOutcome, void>('critic/batch');
