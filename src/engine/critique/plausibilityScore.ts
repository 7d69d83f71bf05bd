// 1–5 physical-plausibility answers (the VideoPhy-2 protocol): 1 no adherence to physical laws … 5 perfect adherence.

const PATTERNS = [
  /"(?:score|plausibility|physical_commonsense|pc)"\s*:\s*"?(\d+(?:\.\d+)?)/i,
  /\b(?:score|rating|plausibility)\b[^\d\n]{0,24}?(\d+(?:\.\d+)?)\s*(?:\/\s*5|out of 5)?/i,
  /(?:^|\s)(\d+(?:\.\d+)?)\s*(?:\/\s*5|out of 5)\b/i,
];

/** The 1–5 score an answer gives; null when it gives none, or one outside 1–5. */
export function readPlausibility(answer: string): number | null {
  const text = answer.replace(/```[a-z]*|```/gi, ' ').trim();
  let value: number | null = null;
  const bare = /^[\s*_"'`([]*(\d+(?:\.\d+)?)[\s*_"'`.)\]]*$/.exec(text.split('\n').find((line) => line.trim()) ?? '');
  if (bare) value = Number(bare[1]);
  else {
    for (const pattern of PATTERNS) {
      const m = pattern.exec(text);
      if (m) {
        value = Number(m[1]);
        break;
      }
    }
  }
  return value !== null && value >= 1 && value <= 5 ? value : null;
}

/** A 1–5 score on the 0–1 scale of the other scores: 1 → 0, 3 → 0.5, 5 → 1. */
export const plausibilityTo01 = (score: number): number => (score - 1) / 4;
