import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type DeviceSetting = 'auto' | 'cuda' | 'cpu';

export const CUDA_INSTALL_HINT =
  'Install the CUDA build of onnxruntime-node (needs CUDA 12 and cuDNN 9): ' +
  'ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install — or set cosmosCritic.device to "cpu".';

export class ExecutionProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutionProviderError';
  }
}

export interface SessionFactory {
  /** "cuda:0" or "cpu": what the sessions really run on. */
  device: string;
  create(path: string): Promise<ort.InferenceSession>;
}

function sessionOptions(provider: 'cuda' | 'cpu', deviceId: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: provider === 'cuda' ? [{ name: 'cuda', deviceId }] : ['cpu'],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    // Without the arena, memory a run needed (a long prefill's attention) goes back to the system when the run ends.
    enableCpuMemArena: false,
    // Idle ORT worker threads otherwise spin for a while after each run, starving ffmpeg decoding beside them.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

/** Whether onnxruntime-node's CUDA provider library sits beside its binding (the npm package ships CPU only). */
export function cudaProviderInstalled(): boolean {
  try {
    const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    const bindingDir = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(join(bindingDir, lib));
  } catch {
    return false;
  }
}

/**
 * Chooses the execution provider by creating the first session: CUDA where asked for (or, with "auto", where it loads),
 * CPU otherwise. The choice is made once and every later session uses the same one.
 */
export async function chooseExecutionProvider(
  firstGraph: string,
  device: DeviceSetting,
  cudaDeviceId: number,
): Promise<{ factory: SessionFactory; first: ort.InferenceSession }> {
  const cpu: SessionFactory = { device: 'cpu', create: (path) => ort.InferenceSession.create(path, sessionOptions('cpu', 0)) };
  if (device === 'cpu' || (device === 'auto' && !cudaProviderInstalled())) return { factory: cpu, first: await cpu.create(firstGraph) };
  if (!cudaProviderInstalled()) {
    throw new ExecutionProviderError(`CUDA was requested but onnxruntime-node's CUDA provider is not installed. ${CUDA_INSTALL_HINT}`);
  }
  const cuda: SessionFactory = { device: `cuda:${cudaDeviceId}`, create: (path) => ort.InferenceSession.create(path, sessionOptions('cuda', cudaDeviceId)) };
  try {
    return { factory: cuda, first: await cuda.create(firstGraph) };
  } catch (err) {
    if (device === 'cuda') {
      const reason = ((err as Error).message ?? String(err)).split('\n')[0];
      throw new ExecutionProviderError(`CUDA was requested but cannot be used (${reason}). ${CUDA_INSTALL_HINT}`);
    }
    return { factory: cpu, first: await cpu.create(firstGraph) };
  }
}
