import type { CritiqueTrial, PlausibilityVerdict, Violation } from '../../shared/result';
import type { AnswerKind, ReasoningFormat } from '../profiles/modelProfile';
import { criticVerdict } from './criticVerdict';
import type { FrameTimes } from './extractTimes';
import { cleanText } from './looseTags';
import type { ParsedAnswers } from './parseAnswers';
import { parseCritique } from './parseCritique';
import { plausibilityTo01, readPlausibility } from './plausibilityScore';
import { joinedText, splitThinking, type ModelAnswer } from './thinkingSplit';
import { readTimeline } from './timelineAnswer';
import { videoAnalysisFrom } from './videoAnalysis';
import { inferCategory } from './violationCategory';
import { briefDescription, violationsFromTrials } from './violations';

export interface ProfileParsedAnswers extends ParsedAnswers {
  plausibility?: PlausibilityVerdict;
}

export interface AnswerContext {
  kind: AnswerKind;
  reasoning: ReasoningFormat;
  frameTimes?: FrameTimes;
  /** The clip's length: timeline times beyond it are clamped and flagged. */
  durationS: number | null;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

function critiqueTrial(answer: ModelAnswer): CritiqueTrial {
  const split = splitThinking(answer);
  // Reason 1's template parser reads `<think>` + answer (tags or not); give it the answer where it was really written.
  const text = split.thinking !== null ? `<think>\n${split.thinking}\n</think>\n${split.answer}` : split.answer;
  const trial = parseCritique(text);
  return { ...trial, raw: joinedText(answer), reasoning: split.thinking, ...(split.answerFromReasoning && { answer_from_reasoning: true }) };
}

function timelineTrial(answer: ModelAnswer, index: number, context: AnswerContext, violations: Violation[]): CritiqueTrial {
  const split = splitThinking(answer);
  const read = readTimeline(split.answer, context.durationS);
  for (const event of read.events) {
    violations.push({
      category: inferCategory(null, event.caption),
      component: null,
      start_s: event.start_s,
      end_s: event.end_s,
      description: event.caption ? briefDescription(event.caption) : 'An event the model marked without a caption',
      trial: index,
      ...(event.issue && { time_issue: event.issue }),
    });
  }
  const failed = read.parse === 'failed';
  return {
    overview: split.thinking ? cleanText(split.thinking) || null : null,
    components: [],
    // Events found: anomalies present; an empty list: none.
    answer: failed ? null : read.events.length > 0 ? 'Yes' : 'No',
    raw: joinedText(answer),
    parse: read.parse,
    reasoning: split.thinking,
    ...(split.answerFromReasoning && { answer_from_reasoning: true }),
  };
}

function scoreTrial(answer: ModelAnswer): CritiqueTrial {
  const split = splitThinking(answer);
  const score = readPlausibility(split.answer);
  return {
    overview: split.thinking ? cleanText(split.thinking) || null : null,
    components: [],
    // VideoPhy-2 counts a video as physically plausible at 4 or 5.
    answer: score === null ? null : score >= 4 ? 'No' : 'Yes',
    raw: joinedText(answer),
    parse: score === null ? 'failed' : 'ok',
    reasoning: split.thinking,
    score_1_5: score,
    ...(split.answerFromReasoning && { answer_from_reasoning: true }),
  };
}

/** The result's critic fields from a profile's answers: critiques, timelines or 1–5 scores, one answer per trial. */
export function parseProfileAnswers(answers: readonly ModelAnswer[], context: AnswerContext): ProfileParsedAnswers {
  if (context.kind === 'critique') {
    const trials = context.reasoning === 'think-then-answer' ? answers.map(critiqueTrial) : answers.map((a) => parseCritique(joinedText(a)));
    const violations = violationsFromTrials(trials, context.frameTimes);
    return { critic: criticVerdict(trials), violations, video_analysis: videoAnalysisFrom(trials, violations) };
  }
  if (context.kind === 'timeline') {
    const violations: Violation[] = [];
    const trials = answers.map((a, i) => timelineTrial(a, i, context, violations));
    return { critic: criticVerdict(trials), violations, video_analysis: videoAnalysisFrom(trials, violations) };
  }
  const trials = answers.map(scoreTrial);
  const raw = trials.map((t) => t.score_1_5 ?? null);
  const read = raw.filter((s): s is number => s !== null);
  const rawMean = read.length ? read.reduce((a, b) => a + b, 0) / read.length : null;
  const score = rawMean !== null ? round4(plausibilityTo01(rawMean)) : null;
  const analysis = videoAnalysisFrom(trials, []);
  analysis.physical_accuracy.score = score;
  analysis.physical_accuracy.explanation = rawMean !== null
    ? `Plausibility ${round4(rawMean)} of 5 over ${read.length} scored trial${read.length === 1 ? '' : 's'}${read.length < trials.length ? ` (${trials.length - read.length} gave no score)` : ''}.`
    : `None of the ${trials.length} answers gave a 1–5 score.`;
  return { critic: { score, trials }, violations: [], video_analysis: analysis, plausibility: { score, raw_mean: rawMean === null ? null : round4(rawMean), raw } };
}
