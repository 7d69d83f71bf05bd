// The physics categories a violation is filed under: the one list the engine's classifier, the results and the
// player's timeline share.

export const VIOLATION_CATEGORIES = [
  'gravity',
  'collision',
  'object_interaction',
  'fluid_dynamics',
  'object_permanence',
  'human_motion',
  'common_sense',
] as const;

/** A violation's category: one of the list, or `other` when nothing fits. */
export type ViolationCategory = (typeof VIOLATION_CATEGORIES)[number] | 'other';
