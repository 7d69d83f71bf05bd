import type { Backend } from '../evaluate/backend';
import { MODEL_PROFILES } from '../profiles/modelProfile';
import { modelLabelOf } from './batchFiles';
import type { WorkerPool } from './workerPool';

/** The local model in engine worker processes (one per GPU, or N on the CPU): results as the in-process engine's. */
export function workerBackend(pool: WorkerPool): Backend {
  const device = () => pool.devices.join(', ');
  return {
    get label() {
      return { backend: 'onnx' as const, model: modelLabelOf({ backend: 'onnx', id: pool.modelId, device: '', precision: pool.precision }), device: device() };
    },
    evaluate: (videoPath, prompt, options) => pool.evaluate(videoPath, prompt, options),
    defaultCritiquePrompt: () => MODEL_PROFILES.reason1.defaultPrompts.critic,
    info: () => ({ modelPath: pool.modelDir, device: device() }),
    dispose: () => pool.close(),
  };
}
