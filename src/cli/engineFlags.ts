import { CacheStore, defaultCacheDir } from '../engine/store/cacheStore';
import { localEngine, type LocalEngine } from '../engine/evaluate/evaluateVideo';
import { locateFfmpeg } from '../engine/media/ffmpegTools';
import type { DeviceSetting } from '../engine/model/executionProvider';
import { LocalModel } from '../engine/model/localModel';
import { PRECISIONS, type Precision } from '../engine/model/modelFolder';
import { TIME_RULES, type TimeRule } from '../engine/model/mropePositions';
import { VIDEO_INPUTS, type VideoInput } from '../engine/profiles/requestShape';
import type { CliIo } from './cliIo';
import { LIMITS } from '../shared/limits';
import { numberFlag } from './numberFlag';
import { UsageError } from './usageError';
import type { Backend } from '../engine/evaluate/backend';
import { localBackend } from '../engine/evaluate/localBackend';
import { remoteBackend } from '../engine/remote/remoteBackend';
import { remoteEngine } from '../engine/remote/remoteSetup';
import { ServerInfoError } from '../engine/remote/serverInfo';
import { parseProfileChoice, ProfileError } from '../engine/profiles/resolveProfile';
import { MODEL_PROFILES } from '../engine/profiles/modelProfile';
import { redactSecrets } from '../shared/redactSecrets';

export const ENGINE_FLAG_SPECS = {
  model: { type: 'string' },
  endpoint: { type: 'string', multiple: true },
  'model-name': { type: 'string' },
  'video-input': { type: 'string' },
  'time-rule': { type: 'string' },
  profile: { type: 'string' },
  server: { type: 'string' },
  timeout: { type: 'string' },
  'top-logprobs': { type: 'string' },
  precision: { type: 'string' },
  device: { type: 'string' },
  'cuda-device': { type: 'string' },
  'low-memory': { type: 'boolean' },
  'cache-dir': { type: 'string' },
  'ffmpeg-path': { type: 'string' },
} as const;

export const ENGINE_FLAGS_HELP = `  --model DIR            converted model folder (or set COSMOS_CRITIC_MODEL)
  --endpoint URL         an OpenAI-compatible server (…/v1) instead of a local model; repeat to spread jobs over
                         several (API key from COSMOS_CRITIC_API_KEY)
  --model-name NAME      the served model's name (default: the first the server lists in /v1/models)
  --video-input I        frames (our exact frames as JPEG in a video/jpeg data URL; default for vLLM), frames-png (the
                         same frames lossless, ~2× the request size), url (a file:// URL the server samples itself)
                         or file (the clip inline as a data URL; default for a NIM)
  --time-rule R          M-RoPE time rule of the local model: float or truncate (default: the model folder's
                         cosmos_critic.json, else float)
  --profile P            model profile: reason1, reason1-reward, reason2, cosmos3-reasoner (default: from the
                         served model's name in /v1/models)
  --server S             vllm or nim: where the video options go (default: detected from /v1/metadata)
  --timeout S            seconds to wait for a server's answer to start (default 120)
  --top-logprobs N       top logprobs the reward asks the server for (default 20; vLLM: up to --max-logprobs)
  --precision P          fp32 (default), fp16 or q4 graph variants
  --device D             auto (default: CUDA where it loads, else CPU), cuda or cpu
  --cuda-device N        CUDA device id (default 0)
  --low-memory           the smallest variant in the model folder (unless --precision names one), the vision encoder
                         one temporal group at a time and the prefill in 512-token chunks: same results, lower peak
  --cache-dir DIR        vision-feature and result cache (default ~/.cache/cosmos-critic)
  --ffmpeg-path DIR      folder holding ffmpeg and ffprobe (or set COSMOS_CRITIC_FFMPEG)`;

type Values = Partial<Record<Exclude<keyof typeof ENGINE_FLAG_SPECS, 'endpoint' | 'low-memory'>, string>> & { endpoint?: string[]; 'low-memory'?: boolean };

export async function engineFrom(values: Values, io: CliIo): Promise<LocalEngine> {
  const modelDir = values.model ?? io.env.COSMOS_CRITIC_MODEL;
  if (!modelDir) throw new UsageError('no model: pass --model DIR (a converted Cosmos Reason folder) or set COSMOS_CRITIC_MODEL');
  const precision = values.precision as Precision | undefined;
  if (precision !== undefined && !PRECISIONS.includes(precision)) throw new UsageError(`--precision must be one of ${PRECISIONS.join(', ')}`);
  const device = (values.device ?? io.env.COSMOS_CRITIC_DEVICE ?? 'auto') as DeviceSetting;
  if (!['auto', 'cuda', 'cpu'].includes(device)) throw new UsageError('--device must be auto, cuda or cpu');
  const cudaDeviceId = numberFlag('cuda-device', values['cuda-device'], LIMITS.cudaDevice) ?? 0;
  const tools = locateFfmpeg(values['ffmpeg-path'] ?? io.env.COSMOS_CRITIC_FFMPEG);
  const timeRule = values['time-rule'] as TimeRule | undefined;
  if (timeRule !== undefined && !TIME_RULES.includes(timeRule)) throw new UsageError(`--time-rule must be ${TIME_RULES.join(' or ')}, not ${timeRule}`);
  const model = await LocalModel.load(modelDir, { precision, device, cudaDeviceId, timeRule, lowMemory: values['low-memory'] ?? false });
  return localEngine(model, tools, new CacheStore(values['cache-dir'] ?? defaultCacheDir(io.env)));
}

/** The local engine, or the remote one when --endpoint is given. */
export async function backendFrom(values: Values, io: CliIo): Promise<Backend> {
  let profile: ReturnType<typeof parseProfileChoice>;
  try {
    profile = parseProfileChoice(values.profile, '--profile');
  } catch (err) {
    throw new UsageError((err as ProfileError).message);
  }
  if (!values.endpoint?.length) {
    if (profile && MODEL_PROFILES[profile].family !== 'qwen2.5-vl') {
      throw new UsageError(`--profile ${profile}: ${MODEL_PROFILES[profile].label} runs on a server for now (--endpoint URL); the local backend runs Cosmos-Reason1 (see docs/qwen3-vl-local.md)`);
    }
    return localBackend(await engineFrom(values, io));
  }
  if (values.model) throw new UsageError('give either --model (local) or --endpoint (remote), not both');
  const videoInput = values['video-input'] as VideoInput | undefined;
  if (videoInput !== undefined && !VIDEO_INPUTS.includes(videoInput)) throw new UsageError(`--video-input must be ${VIDEO_INPUTS.join(', ')}, not ${videoInput}`);
  const server = values.server;
  if (server !== undefined && server !== 'vllm' && server !== 'nim') throw new UsageError('--server must be vllm or nim');
  const timeoutS = numberFlag('timeout', values.timeout, LIMITS.timeoutS) ?? 120;
  const topLogprobs = numberFlag('top-logprobs', values['top-logprobs'], LIMITS.topLogprobs) ?? 20;
  const apiKey = io.env.COSMOS_CRITIC_API_KEY || undefined;
  for (const url of values.endpoint) {
    if (!/^https?:\/\//.test(url)) throw new UsageError(`--endpoint ${redactSecrets(url)}: must be an http(s) URL such as http://localhost:8000/v1`);
  }
  const tools = locateFfmpeg(values['ffmpeg-path'] ?? io.env.COSMOS_CRITIC_FFMPEG);
  try {
    const remote = await remoteEngine({
      endpoints: values.endpoint.map((baseUrl) => ({ baseUrl, apiKey, timeoutMs: timeoutS * 1000 })),
      apiKey,
      ...(values['model-name'] && { modelName: values['model-name'] }),
      profile,
      profileSource: 'flag',
      ...(server && { server }),
      ...(videoInput && { videoInput }),
      tools,
      topLogprobs,
      cache: new CacheStore(values['cache-dir'] ?? defaultCacheDir(io.env)),
    });
    return remoteBackend(remote);
  } catch (err) {
    if (err instanceof ServerInfoError) throw new UsageError(`could not read the model name: ${err.message}; pass --model-name`);
    throw err;
  }
}
