import type { CriticVerdict, VideoAnalysis, Violation } from '../../shared/result';
import { criticVerdict } from './criticVerdict';
import type { FrameTimes } from './extractTimes';
import { parseCritique } from './parseCritique';
import { videoAnalysisFrom } from './videoAnalysis';
import { violationsFromTrials } from './violations';

export interface ParsedAnswers {
  critic: CriticVerdict;
  violations: Violation[];
  video_analysis: VideoAnalysis;
}

/** The result's critic fields from the model's raw answers, one per trial. */
export function parseAnswers(texts: readonly string[], frameTimes?: FrameTimes): ParsedAnswers {
  const trials = texts.map((text) => parseCritique(text));
  const violations = violationsFromTrials(trials, frameTimes);
  return { critic: criticVerdict(trials), violations, video_analysis: videoAnalysisFrom(trials, violations) };
}
