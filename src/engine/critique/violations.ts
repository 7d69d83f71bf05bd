import type { CritiqueTrial, Violation } from '../../shared/result';
import { extractTimes, type FrameTimes } from './extractTimes';
import { inferCategory } from './violationCategory';

const DESCRIPTION_LIMIT = 300;

/** The first sentence of a text, or the first two when the first is short; cut at a word near the limit. */
export function briefDescription(text: string, limit = DESCRIPTION_LIMIT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  // A sentence ends at . ! ? followed by a space and a capital, digit or quote: "2.5s" and "e.g. the" go on.
  const sentences = flat.split(/(?<=[.!?])\s+(?=["'(\[A-Z0-9])/);
  let brief = sentences[0] ?? '';
  if (brief.length < limit / 2 && sentences.length > 1) brief += ' ' + sentences[1];
  if (brief.length <= limit) return brief;
  const cut = brief.slice(0, limit - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return (lastSpace > limit / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:]+$/, '') + '…';
}

/**
 * One violation per component flagged "Yes", in every trial, truncated ones included: a flagged
 * component is an observation even when the trial never reached its answer. A trial answering "Yes"
 * without flagging any component gives one violation from its overview, with component null.
 */
export function violationsFromTrials(trials: readonly CritiqueTrial[], frameTimes?: FrameTimes): Violation[] {
  const violations: Violation[] = [];
  trials.forEach((trial, index) => {
    const flagged = trial.components.filter((c) => c.anomaly === 'Yes');
    for (const component of flagged) {
      const times = extractTimes(component.analysis, frameTimes);
      violations.push({
        category: inferCategory(component.name, component.analysis),
        component: component.name,
        start_s: times?.start_s ?? null,
        end_s: times?.end_s ?? null,
        description: component.analysis ? briefDescription(component.analysis) : `${component.name}: flagged as anomalous without an analysis`,
        trial: index,
      });
    }
    if (flagged.length === 0 && trial.answer === 'Yes') {
      const text = trial.overview ?? '';
      const times = extractTimes(text, frameTimes);
      violations.push({
        category: inferCategory(null, text),
        component: null,
        start_s: times?.start_s ?? null,
        end_s: times?.end_s ?? null,
        description: text ? briefDescription(text) : 'The model answered "Yes" (anomalies present) without naming a component',
        trial: index,
      });
    }
  });
  return violations;
}
