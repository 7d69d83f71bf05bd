import { CacheStore, defaultCacheDir } from '../engine/store/cacheStore';
import { localEngine, type LocalEngine } from '../engine/evaluate/evaluateVideo';
import { locateFfmpeg } from '../engine/media/ffmpegTools';
import type { DeviceSetting } from '../engine/model/executionProvider';
import { LocalModel } from '../engine/model/localModel';
import { PRECISIONS, type Precision } from '../engine/model/modelFolder';
import type { CliIo } from './cliIo';
import { UsageError } from './usageError';

export const ENGINE_FLAG_SPECS = {
  model: { type: 'string' },
  precision: { type: 'string' },
  device: { type: 'string' },
  'cuda-device': { type: 'string' },
  'cache-dir': { type: 'string' },
  'ffmpeg-path': { type: 'string' },
} as const;

export const ENGINE_FLAGS_HELP = `  --model DIR            converted model folder (or set COSMOS_CRITIC_MODEL)
  --precision P          fp32 (default), fp16 or q4 graph variants
  --device D             auto (default: CUDA where it loads, else CPU), cuda or cpu
  --cuda-device N        CUDA device id (default 0)
  --cache-dir DIR        vision-feature and result cache (default ~/.cache/cosmos-critic)
  --ffmpeg-path DIR      folder holding ffmpeg and ffprobe (or set COSMOS_CRITIC_FFMPEG)`;

type Values = Partial<Record<keyof typeof ENGINE_FLAG_SPECS, string>>;

export async function engineFrom(values: Values, io: CliIo): Promise<LocalEngine> {
  const modelDir = values.model ?? io.env.COSMOS_CRITIC_MODEL;
  if (!modelDir) throw new UsageError('no model: pass --model DIR (a converted Cosmos Reason folder) or set COSMOS_CRITIC_MODEL');
  const precision = (values.precision ?? 'fp32') as Precision;
  if (!PRECISIONS.includes(precision)) throw new UsageError(`--precision must be one of ${PRECISIONS.join(', ')}`);
  const device = (values.device ?? io.env.COSMOS_CRITIC_DEVICE ?? 'auto') as DeviceSetting;
  if (!['auto', 'cuda', 'cpu'].includes(device)) throw new UsageError('--device must be auto, cuda or cpu');
  const cudaDeviceId = Number(values['cuda-device'] ?? 0);
  if (!Number.isInteger(cudaDeviceId) || cudaDeviceId < 0) throw new UsageError('--cuda-device must be a device number (0, 1, …)');
  const tools = locateFfmpeg(values['ffmpeg-path'] ?? io.env.COSMOS_CRITIC_FFMPEG);
  const model = await LocalModel.load(modelDir, { precision, device, cudaDeviceId });
  return localEngine(model, tools, new CacheStore(values['cache-dir'] ?? defaultCacheDir(io.env)));
}
