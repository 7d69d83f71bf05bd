import { MODEL_PROFILES, PROFILE_IDS, isProfileId, type ModelProfile, type ModelProfileId } from './modelProfile';

/** Where the profile of a run came from: the user's choice, the served model's name, or the fallback. */
export type ProfileSource = 'flag' | 'setting' | 'model-name' | 'default';

export interface ResolvedProfile {
  profile: ModelProfile;
  source: ProfileSource;
}

export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileError';
  }
}

// Most specific first: "cosmos-reason1-7b-reward" is the reward model, not Reason 1.
const MATCH_ORDER: readonly ModelProfileId[] = ['reason1-reward', 'cosmos3-reasoner', 'reason2', 'reason1'];

/** The profile a served model's name means (`nvidia/Cosmos-Reason2-8B`, `nvidia/cosmos3-nano-reasoner`, …), or null. */
export function profileFromModelName(name: string): ModelProfileId | null {
  const base = name.trim();
  if (!base) return null;
  return MATCH_ORDER.find((id) => MODEL_PROFILES[id].namePatterns.some((pattern) => pattern.test(base))) ?? null;
}

/** Reads a `--profile` / `cosmosCritic.modelProfile` value: one of the ids, or "auto"/empty for none. */
export function parseProfileChoice(value: string | undefined, where: string): ModelProfileId | null {
  const v = value?.trim();
  if (!v || v === 'auto') return null;
  if (isProfileId(v)) return v;
  throw new ProfileError(`${where} "${v}" is not a model profile: use one of ${PROFILE_IDS.join(', ')} (or auto)`);
}

/**
 * The profile of a run: an explicit choice wins; else the served model's name; else Reason 1, what the product spoke
 * to before profiles existed (the reward model for reward prompts).
 */
export function resolveProfile(choice: { id: ModelProfileId | null; source: 'flag' | 'setting' }, servedName: string | null, mode: 'reward' | 'critic'): ResolvedProfile {
  if (choice.id) return { profile: MODEL_PROFILES[choice.id], source: choice.source };
  const named = servedName ? profileFromModelName(servedName) : null;
  if (named) return { profile: MODEL_PROFILES[named], source: 'model-name' };
  return { profile: MODEL_PROFILES[mode === 'reward' ? 'reason1-reward' : 'reason1'], source: 'default' };
}

/**
 * A prompt written for one profile run against another: fine when the user chose the profile on purpose (or the two
 * read frames and answers alike), else one clear error instead of answers read the wrong way.
 */
export function checkPromptProfile(promptProfile: ModelProfileId | null, resolved: ResolvedProfile, promptPath: string | null, mode: 'reward' | 'critic'): void {
  const { profile } = resolved;
  const where = promptPath ?? 'the prompt';
  // Reason 1 names cover the reward model served under its base name; the Qwen3-VL models have no reward head at all.
  if (mode === 'reward' && profile.family !== 'qwen2.5-vl') {
    throw new ProfileError(
      `${where} is a reward prompt, but the model is ${profile.label} (profile ${profile.id}): the reward score is Cosmos-Reason1-7B-Reward's. ` +
        `Score with a server of nvidia/Cosmos-Reason1-7B-Reward (profile reason1-reward), or rank with the 1–5 plausibility prompt (reason2-plausibility).`,
    );
  }
  if (!promptProfile || resolved.source === 'flag' || resolved.source === 'setting') return;
  const wanted = MODEL_PROFILES[promptProfile];
  const compatible = wanted.family === profile.family && wanted.reasoning === profile.reasoning;
  if (promptProfile !== profile.id && !compatible) {
    const how = resolved.source === 'model-name' ? 'the server serves' : 'the model is taken to be';
    throw new ProfileError(
      `${where} is written for ${wanted.label} (profile: ${promptProfile}), but ${how} ${profile.label} (profile ${profile.id}): ` +
        `choose a prompt for ${profile.id}, or force the profile with --profile / cosmosCritic.modelProfile`,
    );
  }
}
