import { modelLabelOf } from '../jobs/batchFiles';
import { MODEL_PROFILES } from '../profiles/modelProfile';
import type { Backend } from './backend';
import { evaluateVideo, prepareVideo, type LocalEngine } from './evaluateVideo';

/** The embedded onnx model in this process. */
export function localBackend(engine: LocalEngine): Backend {
  const { model } = engine;
  return {
    label: { backend: 'onnx', model: modelLabelOf({ backend: 'onnx', id: model.config.id, device: '', precision: model.folder.precision }), device: model.device },
    evaluate: (videoPath, prompt, options) => evaluateVideo(engine, videoPath, prompt, options),
    prepare: (videoPath, prompt, signal) => prepareVideo(engine, videoPath, prompt, signal),
    // The local model is Cosmos-Reason1.
    defaultCritiquePrompt: () => MODEL_PROFILES.reason1.defaultPrompts.critic,
    info: () => ({ modelPath: model.folder.dir, device: model.device }),
    dispose: async () => undefined,
  };
}
