import type { Backend } from '../evaluate/backend';
import { evaluateVideoRemote, type RemoteEngine } from './remoteEvaluate';
import { defaultCritiquePrompt } from './remoteSetup';

/** OpenAI-compatible servers (vLLM, NIM, `cosmos-critic serve`), jobs spread over their endpoints. */
export function remoteBackend(remote: RemoteEngine): Backend {
  const device = () => remote.pool.endpoints.join(', ');
  return {
    get label() {
      return { backend: 'openai' as const, model: remote.modelName, device: device() };
    },
    evaluate: (videoPath, prompt, options) => evaluateVideoRemote(remote, videoPath, prompt, options),
    defaultCritiquePrompt: () => defaultCritiquePrompt(remote),
    info: () => ({ modelPath: null, device: device() }),
    dispose: async () => undefined,
  };
}
