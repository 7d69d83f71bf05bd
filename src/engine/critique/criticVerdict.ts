import type { CriticVerdict, CritiqueTrial } from '../../shared/result';

/** NVIDIA's rejection-sampling score: the share of parsed trials answering "No"; null when none parse (no verdict). */
export function criticVerdict(trials: readonly CritiqueTrial[]): CriticVerdict {
  const parsed = trials.filter((t) => t.parse !== 'failed' && t.answer !== null);
  const no = parsed.filter((t) => t.answer === 'No').length;
  return { score: parsed.length > 0 ? no / parsed.length : null, trials: [...trials] };
}
