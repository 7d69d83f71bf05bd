// No `vscode` import: what each `cosmosCritic.*` setting means is plain code, tested without a workbench.
import * as os from 'node:os';
import * as path from 'node:path';
import type { CriticServerOptions } from '../shared/requests';
import { LIMITS, withinLimit, type Limit } from '../shared/limits';
import { VIDEO_EXTENSIONS } from '../shared/video';

export const CONFIG_SECTION = 'cosmosCritic';

export const DEFAULT_RESULTS_DIR = '.cosmos-critic';
export const DEFAULT_INCLUDE = [`**/*.{${VIDEO_EXTENSIONS.join(',')}}`];
export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.cosmos-critic/**'];
const DEFAULT_LIVE_RERUN_DELAY_MS = 1500;

export function expandHome(value: string): string {
  if (value === '~') return os.homedir();
  if (value.startsWith('~/') || value.startsWith('~\\')) return path.join(os.homedir(), value.slice(2));
  return value;
}

const trimmed = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** A path setting: trimmed, `~` expanded; undefined when empty. */
function pathValue(value: unknown): string | undefined {
  const text = trimmed(value);
  return text ? expandHome(text) : undefined;
}

function textValue(value: unknown): string | undefined {
  return trimmed(value) || undefined;
}

function oneOf<const T extends string>(...values: T[]): (value: unknown) => T | undefined {
  return (value) => (values.includes(value as T) ? (value as T) : undefined);
}

function globs(value: unknown, fallback: string[]): string[] {
  if (!Array.isArray(value)) return fallback;
  return value.filter((glob): glob is string => typeof glob === 'string' && glob.trim() !== '').map((glob) => glob.trim());
}

/** A setting's number when it is within its limit (VS Code does not enforce `minimum`/`maximum` on hand-edited JSON). */
function count(value: unknown, fallback: number, limit: Limit): number {
  return typeof value === 'number' && withinLimit(value, limit) ? value : fallback;
}

interface SettingSpec<T> {
  /**
   * Only the user's value counts in an untrusted workspace: a cloned repository must not choose which binary the
   * critic server runs, which model it loads, where videos are sent or where files are written.
   */
  trustedOnly: boolean;
  /** The value the extension uses, from what the settings hold (anything a hand-edited JSON may say). */
  parse(raw: unknown): T;
}

const spec = <T>(trustedOnly: boolean, parse: (raw: unknown) => T): SettingSpec<T> => ({ trustedOnly, parse });

/** Every `cosmosCritic.*` setting of package.json (keys without the section), and how it is read. */
export const SETTINGS = {
  ffmpegPath: spec(true, pathValue),
  modelPath: spec(true, pathValue),
  precision: spec(true, oneOf('fp32', 'fp16', 'q4')),
  device: spec(true, oneOf('auto', 'cuda', 'cpu')),
  cudaDeviceId: spec(true, (raw) => (typeof raw === 'number' && withinLimit(raw, LIMITS.cudaDevice) ? raw : undefined)),
  /** One engine worker process per listed device; empty: one engine in the critic server. */
  cudaDevices: spec(true, (raw) =>
    Array.isArray(raw) ? [...new Set(raw.filter((id): id is number => typeof id === 'number' && withinLimit(id, LIMITS.cudaDevice)))] : [],
  ),
  /** CPU engine workers; 1: the engine runs in the critic server. */
  workers: spec(true, (raw) => count(raw, 1, LIMITS.workers)),
  lowMemory: spec(false, (raw) => raw === true),
  /** `auto` (the model folder's rule) reads as undefined. */
  timeRule: spec(true, oneOf('float', 'truncate')),
  /** A shipped prompt's name or a path (expanded where it is resolved); undefined when empty. */
  defaultPrompt: spec(true, textValue),
  /** Relative to the workspace folder, or absolute. */
  resultsDir: spec(true, (raw) => expandHome(trimmed(raw) || DEFAULT_RESULTS_DIR)),
  bandsFile: spec(true, pathValue),
  backend: spec(true, oneOf('onnx', 'openai')),
  endpoints: spec(true, (raw) => (Array.isArray(raw) ? raw.filter((url): url is string => typeof url === 'string').map((url) => url.trim()).filter(Boolean) : [])),
  servedModelName: spec(true, textValue),
  videoInput: spec(true, oneOf('frames', 'frames-png', 'url', 'file')),
  /** `auto` (from the served model's name) reads as undefined. */
  modelProfile: spec(true, (raw) => {
    const text = trimmed(raw);
    return text && text !== 'auto' ? text : undefined;
  }),
  liveRerun: spec(false, (raw) => (raw === 'whileTyping' || raw === 'off' ? raw : 'onSave')),
  liveRerunDelayMs: spec(false, (raw) => {
    const { min, max } = LIMITS.liveRerunDelayMs;
    return typeof raw === 'number' && Number.isFinite(raw) ? Math.min(Math.max(raw, min), max) : DEFAULT_LIVE_RERUN_DELAY_MS;
  }),
  'batch.include': spec(false, (raw) => {
    const include = globs(raw, DEFAULT_INCLUDE);
    return include.length ? include : DEFAULT_INCLUDE;
  }),
  'batch.exclude': spec(false, (raw) => globs(raw, DEFAULT_EXCLUDE)),
  'batch.concurrency': spec(false, (raw) => count(raw, 2, LIMITS.concurrency)),
  'batch.batchSize': spec(false, (raw) => count(raw, 4, LIMITS.batchSize)),
  /** Absolute, or under the workspace folder; undefined when empty. */
  'batch.sortInto': spec(true, pathValue),
  'batch.sortMode': spec(false, (raw): 'link' | 'copy' => (raw === 'copy' ? 'copy' : 'link')),
} satisfies Record<string, SettingSpec<unknown>>;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = ReturnType<(typeof SETTINGS)[K]['parse']>;
export type LiveRerun = SettingValue<'liveRerun'>;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** What `inspect` tells of a setting. */
export interface InspectedSetting {
  defaultValue?: unknown;
  globalValue?: unknown;
}

/**
 * The raw value of a setting: the effective one, except that a trusted-only setting in an untrusted workspace takes
 * only the user's value (else the default); workspace and folder values are ignored.
 */
export function rawSetting(key: SettingKey, trusted: boolean, effective: () => unknown, inspect: () => InspectedSetting | undefined): unknown {
  if (trusted || !SETTINGS[key].trustedOnly) return effective();
  const inspected = inspect();
  return inspected?.globalValue ?? inspected?.defaultValue;
}

export type ReadSetting = <K extends SettingKey>(key: K) => SettingValue<K>;

/** The initialization options the critic server is started with. */
export function criticServerOptionsOf(read: ReadSetting): CriticServerOptions {
  const options: CriticServerOptions = {};
  const ffmpegPath = read('ffmpegPath');
  const modelPath = read('modelPath');
  if (ffmpegPath) options.ffmpegPath = ffmpegPath;
  if (modelPath) options.modelPath = modelPath;
  const precision = read('precision');
  if (precision) options.precision = precision;
  const device = read('device');
  if (device) options.device = device;
  const timeRule = read('timeRule');
  if (timeRule) options.timeRule = timeRule;
  const cudaDeviceId = read('cudaDeviceId');
  if (cudaDeviceId !== undefined) options.cudaDeviceId = cudaDeviceId;
  const cudaDevices = read('cudaDevices');
  if (cudaDevices.length > 0) options.cudaDevices = cudaDevices;
  const workers = read('workers');
  if (workers > 1) options.workers = workers;
  if (read('lowMemory')) options.lowMemory = true;
  const backend = read('backend');
  if (backend) options.backend = backend;
  // The remote settings only with the remote backend, so that editing them does not restart a local server.
  if (options.backend === 'openai') {
    const endpoints = read('endpoints');
    if (endpoints.length > 0) options.endpoints = endpoints;
    const servedModelName = read('servedModelName');
    if (servedModelName) options.servedModelName = servedModelName;
    const videoInput = read('videoInput');
    if (videoInput) options.videoInput = videoInput;
    const modelProfile = read('modelProfile');
    if (modelProfile) options.modelProfile = modelProfile;
  }
  return options;
}

/**
 * The results store of a workspace folder (the folder holding `results/`, `runs/`, `summary.jsonl`): `resultsDir`
 * relative to the folder, or that folder itself when absolute. Without a workspace folder on disk, `results-store`
 * in the extension's global storage.
 */
export function storeRootOf(resultsDir: string, workspaceFolder: string | undefined, globalStorage: string): string {
  if (path.isAbsolute(resultsDir)) return path.resolve(resultsDir);
  if (workspaceFolder !== undefined) return path.join(workspaceFolder, resultsDir);
  return path.join(globalStorage, 'results-store');
}

/** Where a results store keeps its result files (the folder the prompt tools read results from). */
export function storeResultsFolder(root: string): string {
  return path.join(root, 'results');
}
