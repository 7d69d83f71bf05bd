import type { Backend } from '../engine/evaluate/backend';
import { localEngine } from '../engine/evaluate/evaluateVideo';
import { localBackend } from '../engine/evaluate/localBackend';
import { workerBackend } from '../engine/jobs/workerBackend';
import { WorkerPool, type WorkerSlot } from '../engine/jobs/workerPool';
import { locateFfmpeg } from '../engine/media/ffmpegTools';
import { LocalModel } from '../engine/model/localModel';
import { ModelFolderError } from '../engine/model/modelFolder';
import { NoEndpointError } from '../engine/remote/endpointPool';
import { remoteBackend } from '../engine/remote/remoteBackend';
import { remoteEngine } from '../engine/remote/remoteSetup';
import { parseProfileChoice } from '../engine/profiles/resolveProfile';
import { CacheStore, defaultCacheDir } from '../engine/store/cacheStore';
import { describeLimit, LIMITS, withinLimit } from '../shared/limits';
import type { CriticServerOptions } from '../shared/requests';

/** Worker slots the settings ask for: one per listed CUDA device, else `workers` on the CPU; none for the in-process engine. */
export function workerSlotsOf(options: Pick<CriticServerOptions, 'cudaDevices' | 'workers'>): WorkerSlot[] {
  const devices = [...new Set(options.cudaDevices ?? [])];
  const bad = devices.find((id) => !withinLimit(id, LIMITS.cudaDevice));
  if (bad !== undefined) throw new RangeError(`cosmosCritic.cudaDevices: ${bad} is not a CUDA device number (${describeLimit(LIMITS.cudaDevice)})`);
  if (options.workers !== undefined && !withinLimit(options.workers, LIMITS.workers)) throw new RangeError(`cosmosCritic.workers must be ${describeLimit(LIMITS.workers)}, not ${options.workers}`);
  if (devices.length > 0) return devices.map((cudaDeviceId) => ({ device: 'cuda', cudaDeviceId }));
  const workers = options.workers ?? 1;
  return workers > 1 ? Array.from({ length: workers }, () => ({ device: 'cpu' })) : [];
}

/** Builds the backend once per settings and keeps it: the local model stays in memory between jobs. */
export class EngineHost {
  private loaded: { key: string; backend: Promise<Backend> } | undefined;

  constructor(
    private readonly getOptions: () => CriticServerOptions,
    private readonly apiKey: string | undefined = process.env.COSMOS_CRITIC_API_KEY || undefined,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  backend(): Promise<Backend> {
    const options = this.getOptions();
    const key = JSON.stringify(options);
    if (this.loaded?.key !== key) {
      // The settings changed: the old backend's worker processes go (jobs still running on them fail).
      void this.loaded?.backend.then((old) => old.dispose()).catch(() => undefined);
      const backend = this.create(options);
      // A failed load is not kept: the next job tries again (e.g. after the user fixed the setting).
      backend.catch(() => {
        if (this.loaded?.backend === backend) this.loaded = undefined;
      });
      this.loaded = { key, backend };
    }
    return this.loaded.backend;
  }

  /** Lets go of the loaded backend (its worker processes), when the server shuts down. */
  async dispose(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    await loaded?.backend.then((b) => b.dispose()).catch(() => undefined);
  }

  private async create(options: CriticServerOptions): Promise<Backend> {
    const tools = locateFfmpeg(options.ffmpegPath);
    const cacheDir = options.cacheDir || defaultCacheDir();
    const cache = new CacheStore(cacheDir);
    if (options.backend === 'openai') {
      const endpoints = options.endpoints ?? [];
      if (endpoints.length === 0) throw new NoEndpointError('The openai backend has no endpoints: set cosmosCritic.endpoints (e.g. ["http://localhost:8000/v1"]) or run "Cosmos Critic: Select Backend".');
      const profile = parseProfileChoice(options.modelProfile, 'cosmosCritic.modelProfile');
      const remote = await remoteEngine({
        endpoints: endpoints.map((baseUrl) => ({ baseUrl, apiKey: this.apiKey })),
        apiKey: this.apiKey,
        ...(options.servedModelName && { modelName: options.servedModelName }),
        profile,
        profileSource: 'setting',
        ...(options.videoInput && { videoInput: options.videoInput }),
        tools,
        cache,
      }).catch((err: Error) => {
        // The same error, so that its class (and so its code) survives the added hint.
        err.message = `${err.message}: check cosmosCritic.endpoints, or set cosmosCritic.servedModelName`;
        throw err;
      });
      return remoteBackend(remote);
    }
    if (!options.modelPath) throw new ModelFolderError('No model is configured: set cosmosCritic.modelPath to a converted Cosmos Reason folder (see README, "Models"), or choose the openai backend.');
    const load = { precision: options.precision, timeRule: options.timeRule, lowMemory: options.lowMemory ?? false };
    const slots = workerSlotsOf(options);
    if (slots.length > 0) {
      const pool = await WorkerPool.start({ modelDir: options.modelPath, load, slots, cacheDir, ffmpegPath: options.ffmpegPath, log: this.log });
      return workerBackend(pool);
    }
    const model = await LocalModel.load(options.modelPath, { ...load, device: options.device, cudaDeviceId: options.cudaDeviceId });
    return localBackend(localEngine(model, tools, cache));
  }
}
