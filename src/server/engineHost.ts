import { CacheStore, defaultCacheDir } from '../engine/store/cacheStore';
import { localEngine, type LocalEngine } from '../engine/evaluate/evaluateVideo';
import { locateFfmpeg } from '../engine/media/ffmpegTools';
import { LocalModel } from '../engine/model/localModel';
import type { CriticServerOptions } from '../shared/requests';

/** Loads the local engine once per settings and keeps it: the model stays in memory between jobs. */
export class EngineHost {
  private loaded: { key: string; engine: Promise<LocalEngine> } | undefined;

  constructor(private readonly getOptions: () => CriticServerOptions) {}

  engine(): Promise<LocalEngine> {
    const options = this.getOptions();
    const key = JSON.stringify([options.modelPath, options.precision, options.device, options.cudaDeviceId, options.cacheDir, options.ffmpegPath]);
    if (this.loaded?.key !== key) {
      const engine = (async (): Promise<LocalEngine> => {
        if (!options.modelPath) throw new Error('No model is configured: set cosmosCritic.modelPath to a converted Cosmos Reason folder (see README, "Models").');
        const tools = locateFfmpeg(options.ffmpegPath);
        const model = await LocalModel.load(options.modelPath, { precision: options.precision, device: options.device, cudaDeviceId: options.cudaDeviceId });
        return localEngine(model, tools, new CacheStore(options.cacheDir || defaultCacheDir()));
      })();
      // A failed load is not kept: the next job tries again (e.g. after the user fixed the setting).
      engine.catch(() => {
        if (this.loaded?.engine === engine) this.loaded = undefined;
      });
      this.loaded = { key, engine };
    }
    return this.loaded.engine;
  }
}
