import type {
  CriticMode,
  CriticResult,
  CriticVerdict,
  CritiqueComponent,
  CritiqueTrial,
  ResultModel,
  ResultPrompt,
  ResultSampling,
  ResultVideo,
  RewardVerdict,
  TimingMs,
  Violation,
} from './result';
import type { SamplingPlan, VideoMetadata, VideoProbe } from './video';
import { isBandsView, type BandsView } from './bands';
import { isFiniteNumber, isNumberArray, isNumberOrNull, isObject, isString, isStringOrNull, type Json } from './guards';

/** What the player's <video> element plays. */
export interface PlaybackView {
  /** Webview URI of the original or of its H.264 proxy; null while a playable copy is being made, or when none could be. */
  videoUri: string | null;
  proxy: boolean;
  /** Told to the user: why a playable copy is used or being made, or why the video cannot play here. */
  note: string | null;
  /** 0..1 while a playable copy is being made; null otherwise. */
  progress: number | null;
  /** Nothing in this panel can play the video: the player offers the system's player instead. */
  failed: boolean;
}

export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** A score or critique job of the panel's video. */
export interface JobView {
  id: string;
  mode: CriticMode;
  /** The prompt as the user knows it: its id, or its file name. */
  prompt: string;
  status: JobStatus;
  /** The server's latest progress message: the stage, tokens and tokens/s. */
  stage: string | null;
  error: string | null;
  /** The critique text streamed so far, one string per trial. */
  text: string[];
}

export interface ThumbnailView {
  time_s: number;
  /** Webview URI of a small JPEG of the frame. */
  uri: string;
}

/** Everything the player shows, as the extension host knows it. */
export interface PlayerView {
  probe: VideoProbe;
  playback: PlaybackView;
  job: JobView | null;
  result: CriticResult | null;
  /** Where the result was written, shown in a tooltip; null when it was not written. */
  resultFile: string | null;
  thumbnails: ThumbnailView[];
  /** The bands a reward score is shown in (calibrated ones from cosmosCritic.bandsFile, else the defaults); absent: the defaults. */
  bands?: BandsView;
}

/** Extension host → player webview. */
export type ToPlayerMessage =
  /** Everything at once: on every `ready`, and when the panel shows another probe of its video. */
  | { type: 'show'; view: PlayerView }
  | { type: 'playback'; playback: PlaybackView }
  /** A job started or ended (with the text streamed so far). */
  | { type: 'job'; job: JobView }
  /** A running job's progress message. */
  | { type: 'stage'; jobId: string; stage: string }
  /** Critique text as it is generated. */
  | { type: 'text'; jobId: string; trial: number; delta: string }
  | { type: 'result'; result: CriticResult; resultFile: string | null }
  | { type: 'thumbnails'; thumbnails: ThumbnailView[] }
  | { type: 'seek'; time_s: number };

/** Player webview → extension host. */
export type FromPlayerMessage =
  /** The webview script has loaded and can receive `show`. Sent on every (re)load. */
  | { type: 'ready' }
  /** The video element could not play the source; the host falls back to a proxy, or logs it if that was the proxy. */
  | { type: 'playbackError'; code: number | null; message: string }
  /** Open the video with the operating system's default application. */
  | { type: 'openExternally' }
  /** Score or critique the video; `force` re-runs even when a result is cached. */
  | { type: 'run'; mode: CriticMode; force: boolean }
  /** Pick another prompt, then run it. */
  | { type: 'choosePrompt' }
  | { type: 'cancelJob' }
  | { type: 'copyResult' }
  | { type: 'openResultFile' };

/** What the player webview keeps with `setState`, so a hidden-then-restored or reloaded panel comes back the same. */
export interface PlayerState extends PlayerView {
  current_time_s: number;
}

function isYesNoOrNull(value: unknown): value is 'Yes' | 'No' | null {
  return value === null || value === 'Yes' || value === 'No';
}

function isMode(value: unknown): value is CriticMode {
  return value === 'reward' || value === 'critic';
}

function hasAll(value: Json, keys: readonly string[], test: (field: unknown) => boolean): boolean {
  return keys.every((key) => test(value[key]));
}

const METADATA_NUMBERS = [
  'size_bytes',
  'duration_s',
  'fps',
  'frame_count',
  'width',
  'height',
  'coded_width',
  'coded_height',
  'rotation',
  'bit_depth',
] as const satisfies readonly (keyof VideoMetadata)[];
const METADATA_STRINGS = ['path', 'container', 'video_codec', 'pixel_format'] as const satisfies readonly (keyof VideoMetadata)[];
const PLAN_NUMBERS = [
  'frames',
  'width',
  'height',
  'sample_fps',
  'second_per_grid_t',
  'min_pixels',
  'max_pixels',
] as const satisfies readonly (keyof SamplingPlan)[];

export function isVideoMetadata(value: unknown): value is VideoMetadata {
  return (
    isObject(value) &&
    hasAll(value, METADATA_NUMBERS, isFiniteNumber) &&
    hasAll(value, METADATA_STRINGS, isString) &&
    typeof value.variable_frame_rate === 'boolean' &&
    typeof value.has_audio === 'boolean' &&
    isStringOrNull(value.audio_codec)
  );
}

export function isSamplingPlan(value: unknown): value is SamplingPlan {
  return (
    isObject(value) &&
    (value.rule === 'fps' || value.rule === 'reward') &&
    isNumberOrNull(value.target_fps) &&
    hasAll(value, PLAN_NUMBERS, isFiniteNumber) &&
    isNumberArray(value.frame_indices) &&
    isNumberArray(value.frame_times_s)
  );
}

export function isVideoProbe(value: unknown): value is VideoProbe {
  return isObject(value) && isVideoMetadata(value.video) && isSamplingPlan(value.plan);
}

// --- The result (cosmos-critic/result@1): checked as deeply as the player reads it.

const RESULT_VIDEO_NUMBERS = ['duration_s', 'width', 'height', 'fps'] as const satisfies readonly (keyof ResultVideo)[];
const TIMING_KEYS = ['probe', 'decode', 'vision', 'prefill', 'generate', 'total'] as const satisfies readonly (keyof TimingMs)[];
const SAMPLING_NUMBERS = ['fps', 'frames', 'width', 'height'] as const satisfies readonly (keyof ResultSampling)[];

function isResultVideo(value: unknown): value is ResultVideo {
  return isObject(value) && isString(value.path) && isString(value.sha256) && hasAll(value, RESULT_VIDEO_NUMBERS, isFiniteNumber);
}

function isResultPrompt(value: unknown): value is ResultPrompt {
  return (
    isObject(value) &&
    isString(value.id) &&
    (isString(value.version) || isFiniteNumber(value.version)) &&
    isString(value.sha256) &&
    isStringOrNull(value.path)
  );
}

function isResultModel(value: unknown): value is ResultModel {
  return (
    isObject(value) &&
    (value.backend === 'onnx' || value.backend === 'openai') &&
    isString(value.id) &&
    isString(value.device) &&
    (value.precision === undefined || isString(value.precision))
  );
}

function isResultSampling(value: unknown): value is ResultSampling {
  return (
    isObject(value) &&
    (value.rule === 'fps' || value.rule === 'reward') &&
    hasAll(value, SAMPLING_NUMBERS, isFiniteNumber) &&
    isNumberArray(value.frame_times_s)
  );
}

function isRewardVerdict(value: unknown): value is RewardVerdict {
  return (
    isObject(value) &&
    hasAll(value, ['score', 'p_yes', 'p_no'], isFiniteNumber) &&
    (value.anomaly === 'Yes' || value.anomaly === 'No') &&
    (value.band === 'high' || value.band === 'medium' || value.band === 'low')
  );
}

function isComponent(value: unknown): value is CritiqueComponent {
  return isObject(value) && isString(value.name) && isString(value.analysis) && isYesNoOrNull(value.anomaly);
}

function isTrial(value: unknown): value is CritiqueTrial {
  return (
    isObject(value) &&
    isStringOrNull(value.overview) &&
    Array.isArray(value.components) &&
    value.components.every(isComponent) &&
    isYesNoOrNull(value.answer) &&
    isString(value.raw) &&
    (value.parse === 'ok' || value.parse === 'partial' || value.parse === 'failed')
  );
}

function isCriticVerdict(value: unknown): value is CriticVerdict {
  return isObject(value) && (value.score === null || isFiniteNumber(value.score)) && Array.isArray(value.trials) && value.trials.every(isTrial);
}

export function isViolation(value: unknown): value is Violation {
  return (
    isObject(value) &&
    isString(value.category) &&
    isStringOrNull(value.component) &&
    isNumberOrNull(value.start_s) &&
    isNumberOrNull(value.end_s) &&
    isString(value.description) &&
    isFiniteNumber(value.trial)
  );
}

export function isCriticResult(value: unknown): value is CriticResult {
  return (
    isObject(value) &&
    value.schema === 'cosmos-critic/result@1' &&
    isResultVideo(value.video) &&
    isMode(value.mode) &&
    isResultPrompt(value.prompt) &&
    (value.status === undefined || value.status === 'ok' || value.status === 'unparsed' || value.status === 'failed') &&
    isResultModel(value.model) &&
    isResultSampling(value.sampling) &&
    (value.reward === undefined || isRewardVerdict(value.reward)) &&
    (value.critic === undefined || isCriticVerdict(value.critic)) &&
    (value.video_analysis === undefined || isObject(value.video_analysis)) &&
    Array.isArray(value.violations) &&
    value.violations.every(isViolation) &&
    isObject(value.timing_ms) &&
    hasAll(value.timing_ms, TIMING_KEYS, isFiniteNumber) &&
    isString(value.created_at)
  );
}

// --- The player's own views.

export function isPlaybackView(value: unknown): value is PlaybackView {
  return (
    isObject(value) &&
    isStringOrNull(value.videoUri) &&
    typeof value.proxy === 'boolean' &&
    isStringOrNull(value.note) &&
    (value.progress === null || (isFiniteNumber(value.progress) && value.progress >= 0 && value.progress <= 1)) &&
    typeof value.failed === 'boolean'
  );
}

const JOB_STATUSES: readonly JobStatus[] = ['running', 'done', 'failed', 'cancelled'];

export function isJobView(value: unknown): value is JobView {
  return (
    isObject(value) &&
    isString(value.id) &&
    isMode(value.mode) &&
    isString(value.prompt) &&
    JOB_STATUSES.includes(value.status as JobStatus) &&
    isStringOrNull(value.stage) &&
    isStringOrNull(value.error) &&
    Array.isArray(value.text) &&
    value.text.every(isString)
  );
}

function isThumbnail(value: unknown): value is ThumbnailView {
  return isObject(value) && isFiniteNumber(value.time_s) && value.time_s >= 0 && isString(value.uri);
}

function isThumbnailList(value: unknown): value is ThumbnailView[] {
  return Array.isArray(value) && value.every(isThumbnail);
}

export function isPlayerView(value: unknown): value is PlayerView {
  return (
    isObject(value) &&
    isVideoProbe(value.probe) &&
    isPlaybackView(value.playback) &&
    (value.job === null || isJobView(value.job)) &&
    (value.result === null || isCriticResult(value.result)) &&
    isStringOrNull(value.resultFile) &&
    isThumbnailList(value.thumbnails) &&
    (value.bands === undefined || isBandsView(value.bands))
  );
}

function playerView(value: PlayerView): PlayerView {
  const { probe, playback, job, result, resultFile, thumbnails, bands } = value;
  return { probe, playback, job, result, resultFile, thumbnails, ...(bands ? { bands: { high: bands.high, low: bands.low, file: bands.file } } : {}) };
}

/** Validates a message received from the player webview; anything else gives `undefined`. */
export function parseFromPlayerMessage(value: unknown): FromPlayerMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'ready':
    case 'openExternally':
    case 'choosePrompt':
    case 'cancelJob':
    case 'copyResult':
    case 'openResultFile':
      return { type: value.type };
    case 'playbackError':
      if (isNumberOrNull(value.code) && isString(value.message)) {
        return { type: 'playbackError', code: value.code, message: value.message.slice(0, 1000) };
      }
      return undefined;
    case 'run':
      return isMode(value.mode) && typeof value.force === 'boolean' ? { type: 'run', mode: value.mode, force: value.force } : undefined;
    default:
      return undefined;
  }
}

/** Validates a message received by the player webview from the extension host. */
export function parseToPlayerMessage(value: unknown): ToPlayerMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'show':
      return isPlayerView(value.view) ? { type: 'show', view: playerView(value.view) } : undefined;
    case 'playback':
      return isPlaybackView(value.playback) ? { type: 'playback', playback: value.playback } : undefined;
    case 'job':
      return isJobView(value.job) ? { type: 'job', job: value.job } : undefined;
    case 'stage':
      return isString(value.jobId) && isString(value.stage) ? { type: 'stage', jobId: value.jobId, stage: value.stage } : undefined;
    case 'text':
      if (isString(value.jobId) && Number.isInteger(value.trial) && (value.trial as number) >= 0 && isString(value.delta)) {
        return { type: 'text', jobId: value.jobId, trial: value.trial as number, delta: value.delta };
      }
      return undefined;
    case 'result':
      return isCriticResult(value.result) && isStringOrNull(value.resultFile)
        ? { type: 'result', result: value.result, resultFile: value.resultFile }
        : undefined;
    case 'thumbnails':
      return isThumbnailList(value.thumbnails) ? { type: 'thumbnails', thumbnails: value.thumbnails } : undefined;
    case 'seek':
      return isFiniteNumber(value.time_s) && value.time_s >= 0 ? { type: 'seek', time_s: value.time_s } : undefined;
    default:
      return undefined;
  }
}

/** Restores the player's saved state; a state saved by an older version (only a probe and a video URI) still restores. */
export function parsePlayerState(value: unknown): PlayerState | undefined {
  if (!isObject(value) || !isFiniteNumber(value.current_time_s)) return undefined;
  const current_time_s = Math.max(0, value.current_time_s);
  if (isPlayerView(value)) return { ...playerView(value), current_time_s };
  if (isVideoProbe(value.probe) && isString(value.videoUri)) {
    const playback: PlaybackView = { videoUri: value.videoUri, proxy: false, note: null, progress: null, failed: false };
    return { probe: value.probe, playback, job: null, result: null, resultFile: null, thumbnails: [], current_time_s };
  }
  return undefined;
}
