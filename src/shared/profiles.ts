// Names shared by the engine, prompt files and the extension: the model profiles and the kinds of answer a prompt asks for.

export const PROFILE_IDS = ['reason1', 'reason1-reward', 'reason2', 'cosmos3-reasoner'] as const;
export type ModelProfileId = (typeof PROFILE_IDS)[number];

/**
 * What a critic prompt asks for:
 * - `critique`: a critique with a Yes/No answer (anomalies present?), components optional;
 * - `timeline`: temporal localisation, a JSON list of `{start, end, caption}` events, each a violation on the timeline;
 * - `score`: a 1–5 physical-plausibility score (the VideoPhy-2 protocol).
 */
export const ANSWER_KINDS = ['critique', 'timeline', 'score'] as const;
export type AnswerKind = (typeof ANSWER_KINDS)[number];

export function isProfileId(value: unknown): value is ModelProfileId {
  return typeof value === 'string' && (PROFILE_IDS as readonly string[]).includes(value);
}
