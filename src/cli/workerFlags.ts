import type { Backend } from '../engine/evaluate/backend';
import { workerBackend } from '../engine/jobs/workerBackend';
import { WorkerPool, type WorkerSlot } from '../engine/jobs/workerPool';
import { PRECISIONS, type Precision } from '../engine/model/modelFolder';
import { TIME_RULES, type TimeRule } from '../engine/model/mropePositions';
import { defaultCacheDir } from '../engine/store/cacheStore';
import type { CliIo } from './cliIo';
import { UsageError } from './usageError';
import { LIMITS, withinLimit } from '../shared/limits';

export const WORKER_FLAG_SPECS = {
  workers: { type: 'string' },
  devices: { type: 'string' },
} as const;

export const WORKER_FLAGS_HELP = `  --devices 0,1,…        one engine worker process per CUDA device; jobs go to the least-loaded one, a worker that
                         dies is restarted and its job run once more (local model)
  --workers N            N engine worker processes on the CPU (local model)`;

/** The worker slots the flags ask for, or undefined for the in-process engine. */
export function workerSlots(values: { workers?: string; devices?: string }): WorkerSlot[] | undefined {
  if (values.workers !== undefined && values.devices !== undefined) throw new UsageError('give either --workers N (CPU) or --devices 0,1,… (CUDA), not both');
  if (values.devices !== undefined) {
    const ids = values.devices.split(',').map((s) => s.trim());
    if (ids.some((id) => !/^\d+$/.test(id)) || new Set(ids).size !== ids.length) {
      throw new UsageError(`--devices must list distinct CUDA device numbers such as 0,1 — not "${values.devices}"`);
    }
    return ids.map((id) => ({ device: 'cuda', cudaDeviceId: Number(id) }));
  }
  if (values.workers !== undefined) {
    const n = Number(values.workers);
    if (!withinLimit(n, LIMITS.workers)) throw new UsageError(`--workers must be a whole number from 1 to 64, not "${values.workers}"`);
    return Array.from({ length: n }, () => ({ device: 'cpu' }));
  }
  return undefined;
}

type Values = { workers?: string; devices?: string; model?: string; endpoint?: string[]; precision?: string; 'time-rule'?: string; 'low-memory'?: boolean; 'cache-dir'?: string; 'ffmpeg-path'?: string; device?: string; 'cuda-device'?: string };

/** Engine workers for --workers / --devices, started and with the model loaded; undefined when neither is given. */
export async function workerBackendFrom(values: Values, io: CliIo): Promise<Backend | undefined> {
  const pool = await workerPoolFrom(values, io);
  return pool && workerBackend(pool);
}

/** The worker pool itself (for `serve`, which runs chat completions on it). */
export async function workerPoolFrom(values: Values, io: CliIo): Promise<WorkerPool | undefined> {
  const slots = workerSlots(values);
  if (!slots) return undefined;
  if (values.endpoint?.length) throw new UsageError('--workers and --devices run the local model; with --endpoint the servers spread the work');
  if (values.device !== undefined) throw new UsageError('--device does not go with --workers or --devices, which say where each worker runs');
  if (values['cuda-device'] !== undefined) throw new UsageError('--cuda-device does not go with --workers or --devices; list the CUDA devices in --devices');
  const modelDir = values.model ?? io.env.COSMOS_CRITIC_MODEL;
  if (!modelDir) throw new UsageError('no model: pass --model DIR (a converted Cosmos Reason folder) or set COSMOS_CRITIC_MODEL');
  const precision = values.precision as Precision | undefined;
  if (precision !== undefined && !PRECISIONS.includes(precision)) throw new UsageError(`--precision must be one of ${PRECISIONS.join(', ')}`);
  const timeRule = values['time-rule'] as TimeRule | undefined;
  if (timeRule !== undefined && !TIME_RULES.includes(timeRule)) throw new UsageError(`--time-rule must be ${TIME_RULES.join(' or ')}, not ${timeRule}`);
  return WorkerPool.start({
    modelDir,
    load: { precision, timeRule, lowMemory: values['low-memory'] ?? false },
    slots,
    cacheDir: values['cache-dir'] ?? defaultCacheDir(io.env),
    ffmpegPath: values['ffmpeg-path'] ?? io.env.COSMOS_CRITIC_FFMPEG,
    log: (line) => io.reportError(new Error(line)),
  });
}
