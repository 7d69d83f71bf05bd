import type { Backend } from '../engine/evaluate/backend';
import { localEngine } from '../engine/evaluate/evaluateVideo';
import { locateFfmpeg } from '../engine/media/ffmpegTools';
import { LocalModel } from '../engine/model/localModel';
import { ModelFolderError } from '../engine/model/modelFolder';
import { NoEndpointError } from '../engine/remote/endpointPool';
import { remoteEngine } from '../engine/remote/remoteSetup';
import { parseProfileChoice } from '../engine/profiles/resolveProfile';
import { CacheStore, defaultCacheDir } from '../engine/store/cacheStore';
import type { CriticServerOptions } from '../shared/requests';

/** Builds the backend once per settings and keeps it: the local model stays in memory between jobs. */
export class EngineHost {
  private loaded: { key: string; backend: Promise<Backend> } | undefined;

  constructor(
    private readonly getOptions: () => CriticServerOptions,
    private readonly apiKey: string | undefined = process.env.COSMOS_CRITIC_API_KEY || undefined,
  ) {}

  backend(): Promise<Backend> {
    const options = this.getOptions();
    const key = JSON.stringify(options);
    if (this.loaded?.key !== key) {
      const backend = this.create(options);
      // A failed load is not kept: the next job tries again (e.g. after the user fixed the setting).
      backend.catch(() => {
        if (this.loaded?.backend === backend) this.loaded = undefined;
      });
      this.loaded = { key, backend };
    }
    return this.loaded.backend;
  }

  private async create(options: CriticServerOptions): Promise<Backend> {
    const tools = locateFfmpeg(options.ffmpegPath);
    const cache = new CacheStore(options.cacheDir || defaultCacheDir());
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
      return { kind: 'openai', remote };
    }
    if (!options.modelPath) throw new ModelFolderError('No model is configured: set cosmosCritic.modelPath to a converted Cosmos Reason folder (see README, "Models"), or choose the openai backend.');
    const model = await LocalModel.load(options.modelPath, { precision: options.precision, device: options.device, cudaDeviceId: options.cudaDeviceId, timeRule: options.timeRule });
    return { kind: 'onnx', engine: localEngine(model, tools, cache) };
  }
}
