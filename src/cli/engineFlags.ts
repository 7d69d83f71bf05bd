import { CacheStore, defaultCacheDir } from '../engine/store/cacheStore';
import { localEngine, type LocalEngine } from '../engine/evaluate/evaluateVideo';
import { locateFfmpeg } from '../engine/media/ffmpegTools';
import type { DeviceSetting } from '../engine/model/executionProvider';
import { LocalModel } from '../engine/model/localModel';
import { PRECISIONS, type Precision } from '../engine/model/modelFolder';
import type { CliIo } from './cliIo';
import { LIMITS } from '../shared/limits';
import { numberFlag } from './numberFlag';
import { UsageError } from './usageError';
import type { Backend } from '../engine/evaluate/backend';
import { EndpointPool } from '../engine/remote/endpointPool';
import { endpointAddress } from '../engine/remote/openaiClient';
import { redactSecrets } from '../shared/redactSecrets';

export const ENGINE_FLAG_SPECS = {
  model: { type: 'string' },
  endpoint: { type: 'string', multiple: true },
  'model-name': { type: 'string' },
  'video-input': { type: 'string' },
  timeout: { type: 'string' },
  'top-logprobs': { type: 'string' },
  precision: { type: 'string' },
  device: { type: 'string' },
  'cuda-device': { type: 'string' },
  'cache-dir': { type: 'string' },
  'ffmpeg-path': { type: 'string' },
} as const;

export const ENGINE_FLAGS_HELP = `  --model DIR            converted model folder (or set COSMOS_CRITIC_MODEL)
  --endpoint URL         an OpenAI-compatible server (…/v1) instead of a local model; repeat to spread jobs over
                         several (API key from COSMOS_CRITIC_API_KEY)
  --model-name NAME      the served model's name (default: the first the server lists in /v1/models)
  --video-input I        frames (default: our sampled frames as video/jpeg) or url (a file:// URL the server reads)
  --timeout S            seconds to wait for a server's answer to start (default 120)
  --top-logprobs N       top logprobs the reward asks the server for (default 20; vLLM: up to --max-logprobs)
  --precision P          fp32 (default), fp16 or q4 graph variants
  --device D             auto (default: CUDA where it loads, else CPU), cuda or cpu
  --cuda-device N        CUDA device id (default 0)
  --cache-dir DIR        vision-feature and result cache (default ~/.cache/cosmos-critic)
  --ffmpeg-path DIR      folder holding ffmpeg and ffprobe (or set COSMOS_CRITIC_FFMPEG)`;

type Values = Partial<Record<Exclude<keyof typeof ENGINE_FLAG_SPECS, 'endpoint'>, string>> & { endpoint?: string[] };

export async function engineFrom(values: Values, io: CliIo): Promise<LocalEngine> {
  const modelDir = values.model ?? io.env.COSMOS_CRITIC_MODEL;
  if (!modelDir) throw new UsageError('no model: pass --model DIR (a converted Cosmos Reason folder) or set COSMOS_CRITIC_MODEL');
  const precision = (values.precision ?? 'fp32') as Precision;
  if (!PRECISIONS.includes(precision)) throw new UsageError(`--precision must be one of ${PRECISIONS.join(', ')}`);
  const device = (values.device ?? io.env.COSMOS_CRITIC_DEVICE ?? 'auto') as DeviceSetting;
  if (!['auto', 'cuda', 'cpu'].includes(device)) throw new UsageError('--device must be auto, cuda or cpu');
  const cudaDeviceId = numberFlag('cuda-device', values['cuda-device'], LIMITS.cudaDevice) ?? 0;
  const tools = locateFfmpeg(values['ffmpeg-path'] ?? io.env.COSMOS_CRITIC_FFMPEG);
  const model = await LocalModel.load(modelDir, { precision, device, cudaDeviceId });
  return localEngine(model, tools, new CacheStore(values['cache-dir'] ?? defaultCacheDir(io.env)));
}

async function servedModelName(baseUrl: string, apiKey: string | undefined): Promise<string> {
  const { url, label, authorization } = endpointAddress(baseUrl);
  try {
    const auth = apiKey ? `Bearer ${apiKey}` : authorization;
    const response = await fetch(`${url}/models`, { headers: auth ? { authorization: auth } : {}, signal: AbortSignal.timeout(15_000) });
    const body = (await response.json()) as { data?: Array<{ id?: string }> };
    const id = body.data?.[0]?.id;
    if (id) return id;
  } catch {
    // fall through to the message below
  }
  throw new UsageError(`could not read the model name from ${label}/models: pass --model-name`);
}

/** The local engine, or the remote one when --endpoint is given. */
export async function backendFrom(values: Values, io: CliIo): Promise<Backend> {
  if (!values.endpoint?.length) return { kind: 'onnx', engine: await engineFrom(values, io) };
  if (values.model) throw new UsageError('give either --model (local) or --endpoint (remote), not both');
  const videoInput = values['video-input'] ?? 'frames';
  if (videoInput !== 'frames' && videoInput !== 'url') throw new UsageError('--video-input must be frames or url');
  const timeoutS = numberFlag('timeout', values.timeout, LIMITS.timeoutS) ?? 120;
  const topLogprobs = numberFlag('top-logprobs', values['top-logprobs'], LIMITS.topLogprobs) ?? 20;
  const apiKey = io.env.COSMOS_CRITIC_API_KEY || undefined;
  for (const url of values.endpoint) {
    if (!/^https?:\/\//.test(url)) throw new UsageError(`--endpoint ${redactSecrets(url)}: must be an http(s) URL such as http://localhost:8000/v1`);
  }
  const pool = new EndpointPool(values.endpoint.map((baseUrl) => ({ baseUrl, apiKey, timeoutMs: timeoutS * 1000 })));
  const modelName = values['model-name'] ?? (await servedModelName(values.endpoint[0]!, apiKey));
  const tools = locateFfmpeg(values['ffmpeg-path'] ?? io.env.COSMOS_CRITIC_FFMPEG);
  return { kind: 'openai', remote: { pool, modelName, tools, videoInput, topLogprobs, cache: new CacheStore(values['cache-dir'] ?? defaultCacheDir(io.env)) } };
}
