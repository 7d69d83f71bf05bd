import type { FfmpegTools } from '../media/ffmpegTools';
import { MODEL_PROFILES, type ModelProfileId } from '../profiles/modelProfile';
import { defaultVideoInput, type ServerKind, type VideoInput } from '../profiles/requestShape';
import { profileFromModelName, type ProfileSource } from '../profiles/resolveProfile';
import type { CacheStore } from '../store/cacheStore';
import { EndpointPool } from './endpointPool';
import type { EndpointOptions } from './openaiClient';
import type { RemoteEngine } from './remoteEvaluate';
import { detectServerKind, listServedModels } from './serverInfo';

export interface RemoteSetup {
  endpoints: EndpointOptions[];
  apiKey?: string;
  /** The served model's name; default: the first `/v1/models` lists. */
  modelName?: string;
  /** A chosen profile (`--profile`, `cosmosCritic.modelProfile`); null: from the model's name. */
  profile: ModelProfileId | null;
  profileSource: Extract<ProfileSource, 'flag' | 'setting'>;
  /** vLLM or NIM; default: detected from the first endpoint. */
  server?: ServerKind;
  /** Default: frames for vLLM, the file inline for a NIM. */
  videoInput?: VideoInput;
  tools: FfmpegTools;
  cache?: CacheStore;
  topLogprobs?: number;
}

/**
 * The remote engine for a set of endpoints: the served model and its profile, the kind of server and the video input
 * that suits it. A profile neither chosen nor named by the model is left to each prompt's mode (Reason 1 or its reward).
 */
export async function remoteEngine(setup: RemoteSetup): Promise<RemoteEngine> {
  const first = setup.endpoints[0]!.baseUrl;
  const modelName = setup.modelName ?? (await listServedModels(first, setup.apiKey))[0]!;
  const server = setup.server ?? (await detectServerKind(first, setup.apiKey));
  const named = profileFromModelName(modelName);
  const profile = setup.profile
    ? { profile: MODEL_PROFILES[setup.profile], source: setup.profileSource }
    : named
      ? { profile: MODEL_PROFILES[named], source: 'model-name' as const }
      : undefined;
  return {
    pool: new EndpointPool(setup.endpoints),
    modelName,
    tools: setup.tools,
    videoInput: setup.videoInput ?? defaultVideoInput(server),
    server,
    ...(profile && { profile }),
    ...(setup.cache && { cache: setup.cache }),
    ...(setup.topLogprobs !== undefined && { topLogprobs: setup.topLogprobs }),
  };
}

/** The shipped prompt a critique runs when none is chosen: the profile's own critic prompt. */
export function defaultCritiquePrompt(remote: RemoteEngine | null): string {
  return remote?.profile?.profile.defaultPrompts.critic ?? 'critic-detailed';
}
