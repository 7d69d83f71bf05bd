// Which physics category a flagged component falls in, from the words of its name and analysis.

import { VIOLATION_CATEGORIES, type ViolationCategory } from '../../shared/violationCategories';

export { VIOLATION_CATEGORIES, type ViolationCategory };

type Cue = [pattern: RegExp, weight: number];

// Words naming the failure itself weigh 3; words naming what kind of thing is involved weigh 1,
// so that "the person's hand passes through the table" is a collision, not human motion.
const CUES: Record<(typeof VIOLATION_CATEGORIES)[number], Cue[]> = {
  gravity: [
    [/\bgravit(?:y|ational)\b/, 2],
    [/\b(?:defies|defying|defy|against) gravity\b/, 3],
    [/\b(?:floats?|floating|hover(?:s|ing)?|levitat\w*|weightless\w*)\b/, 3],
    [/\b(?:mid-?air|in the air)\b/, 2],
    [/\b(?:falls?|falling|fell|drops?|dropping|dropped|rises?|rising|rose)\b[^.]{0,24}\bupwards?\b/, 3],
    [/\b(?:unsupported|without support|no support|suspended)\b/, 2],
    [/\b(?:falls?|falling|fell|drops?|dropping|dropped)\b/, 1],
  ],
  collision: [
    [/\b(?:collisions?|collid\w*)\b/, 3],
    [/\b(?:pass(?:es|ed|ing)?|go(?:es|ing)?|went|clips?|clipping|moves?|moving|phas(?:es|ing))\s+(?:right\s+|straight\s+)?through\b/, 3],
    [/\b(?:penetrat\w*|intersect\w*|interpenetrat\w*|clipping)\b/, 3],
    [/\b(?:bounc\w*|rebound\w*|ricochet\w*)\b/, 2],
    [/\b(?:impacts?|hits?|hitting|strikes?|struck|crash\w*|smash\w*)\b/, 1],
    [/\boverlap\w*\b/, 2],
  ],
  object_interaction: [
    [/\b(?:grasp\w*|grip(?:s|ped|ping)?|gripper|pick(?:s|ed|ing)? up|picks?|lift(?:s|ed|ing)?)\b/, 2],
    [/\b(?:without (?:any )?(?:contact|touching|being touched)|no contact|never touch\w*|not touching)\b/, 3],
    [/\b(?:push(?:es|ed|ing)?|pull(?:s|ed|ing)?|carr(?:y|ies|ied|ying)|plac(?:e|es|ed|ing)|stack\w*|manipulat\w*|holds?|holding|held)\b/, 1],
    [/\b(?:robot(?:ic)?|end[- ]effector|tool|hand(?:le)?s?)\b/, 1],
  ],
  fluid_dynamics: [
    [/\b(?:fluids?|liquids?|water|pour(?:s|ed|ing)?|splash\w*|spill\w*|drip\w*|droplets?|viscos\w*)\b/, 3],
    [/\b(?:flow(?:s|ed|ing)?|smoke|steam|waves?|foam|bubbl\w*|stream\w*|ripples?|sand)\b/, 2],
  ],
  object_permanence: [
    [/\b(?:disappear\w*|vanish\w*|reappear\w*|materiali[sz]\w*|demateriali[sz]\w*)\b/, 3],
    [/\b(?:out of (?:thin air|nowhere)|pops? (?:in|out)\w*|pops? into (?:existence|view)|comes? into existence|ceases? to exist)\b/, 3],
    [/\b(?:duplicat\w*|multipl(?:y|ies)|clones?|splits? into|merg\w*|morph\w*|transforms? into)\b/, 2],
    [/\b(?:changes?|changing|changed) (?:its )?(?:shape|colou?r|size|identity|number)\b/, 3],
    [/\b(?:object permanence|flicker\w*)\b/, 3],
  ],
  human_motion: [
    [/\b(?:gait|stride|limbs?|joints?|torso|anatom\w*|posture|pose)\b/, 2],
    [/\b(?:bends?|bending|twist\w*|rotat\w*) (?:unnaturally|backwards?|the wrong way|impossibly)\b/, 3],
    [/\b(?:walk\w*|run(?:s|ning)?|jump\w*|danc\w*|step(?:s|ping)?|sprint\w*)\b/, 1],
    [/\b(?:person|people|man|woman|men|women|human|child|pedestrian|athlete|player|dancer|body)\b/, 1],
    [/(?<!robot |robotic |mechanical |crane )\b(?:arms?|legs?|knees?|elbows?|fingers?|feet|foot|wrists?|shoulders?|head)\b/, 1],
  ],
  common_sense: [
    [/\b(?:cause|causes|caused|causal\w*|effect)\b/, 2],
    [/\b(?:for no (?:apparent )?reason|spontaneous\w*|by itself|on its own|unprovoked|no (?:apparent |visible )?(?:cause|force|reason))\b/, 3],
    [/\b(?:before (?:being|it is|it's) (?:hit|touched|struck|pushed)|reverse[sd]?|backwards in time|rewind\w*)\b/, 3],
    [/\b(?:illogical|nonsensical|impossible|common sense|inexplicabl\w*|unexplained)\b/, 2],
  ],
};

interface CategoryScore {
  category: ViolationCategory;
  score: number;
}

function scoreOf(text: string, cues: Cue[]): number {
  return cues.reduce((sum, [pattern, weight]) => sum + (pattern.test(text) ? weight : 0), 0);
}

/**
 * The category whose cues weigh most in the component's name and analysis; the name counts twice,
 * since a component named "Water" is about fluids whatever its analysis says. Ties go to the
 * earlier category in VIOLATION_CATEGORIES; "other" when nothing matches.
 */
export function inferCategory(componentName: string | null, analysis: string): ViolationCategory {
  const name = (componentName ?? '').toLowerCase();
  const text = analysis.toLowerCase();
  let best: CategoryScore = { category: 'other', score: 0 };
  for (const category of VIOLATION_CATEGORIES) {
    const score = scoreOf(text, CUES[category]) + 2 * scoreOf(name, CUES[category]);
    if (score > best.score) best = { category, score };
  }
  return best.category;
}
