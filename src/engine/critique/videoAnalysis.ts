import type { CritiqueTrial, VideoAnalysis, Violation } from '../../shared/result';
import { criticVerdict } from './criticVerdict';
import { briefDescription } from './violations';

// Everything here is a summary derived from the parsed trials, not something the model wrote:
// NVIDIA's guide shows this shape, but no released code fills it in.

const ID_STEMS: Record<string, string> = {
  gravity: 'gravity_inconsistency',
  other: 'physical_anomaly',
};

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const seconds = (s: number) => `${Math.round(s * 100) / 100}s`;

/** "gravity_inconsistency_at_12s", "collision_violation_from_3.5s_to_4s", "fluid_dynamics_violation". */
export function violationId(v: Violation): string {
  const stem = ID_STEMS[v.category] ?? `${v.category}_violation`;
  if (v.start_s === null) return stem;
  if (v.end_s === null || v.end_s === v.start_s) return `${stem}_at_${seconds(v.start_s)}`;
  return `${stem}_from_${seconds(v.start_s)}_to_${seconds(v.end_s)}`;
}

function whenText(v: Violation): string {
  if (v.start_s === null) return '';
  return v.end_s === null || v.end_s === v.start_s ? ` (at ${seconds(v.start_s)})` : ` (${seconds(v.start_s)}–${seconds(v.end_s)})`;
}

function explanationOf(trials: readonly CritiqueTrial[], violations: readonly Violation[]): string {
  const parsed = trials.filter((t) => t.parse !== 'failed' && t.answer !== null);
  const unparsed = trials.length - parsed.length;
  const unparsedNote = unparsed > 0 ? ` (${unparsed} of ${trials.length} could not be parsed)` : '';
  if (trials.length === 0) return 'No answers to summarise.';
  if (parsed.length === 0) return `None of the ${trials.length} answers could be parsed; no verdict.`;
  const yes = parsed.filter((t) => t.answer === 'Yes').length;
  if (yes === 0) {
    const who = parsed.length === 1 ? 'The parsed trial' : `All ${parsed.length} parsed trials`;
    return `${who} found no physical anomalies${unparsedNote}.`;
  }
  // One example per category, the first two categories met, keeps the line readable.
  const examples = [...new Map(violations.map((v) => [v.category, v] as const)).values()]
    .slice(0, 2)
    .map((v) => `${v.component ? v.component + ': ' : ''}${briefDescription(v.description, 160).replace(/[.\s]+$/, '')}${whenText(v)}`);
  const summary = `${yes} of ${parsed.length} parsed trials found anomalies${unparsedNote}`;
  return examples.length > 0 ? `${summary}: ${examples.join('; ')}.` : `${summary}.`;
}

function logicalConsistency(trials: readonly CritiqueTrial[]): number {
  // Only trials with an answer and at least one flagged component can be checked against themselves.
  const checkable = trials.filter((t) => t.answer !== null && t.components.some((c) => c.anomaly !== null));
  if (checkable.length === 0) return 0;
  const consistent = checkable.filter((t) => (t.answer === 'Yes') === t.components.some((c) => c.anomaly === 'Yes'));
  return consistent.length / checkable.length;
}

function sceneUnderstanding(trials: readonly CritiqueTrial[]): string {
  if (trials.length === 0) return 'poor';
  const meanComponents = trials.reduce((sum, t) => sum + t.components.length, 0) / trials.length;
  const okShare = trials.filter((t) => t.parse === 'ok').length / trials.length;
  if (okShare === 1 && meanComponents >= 3) return 'excellent';
  if (okShare >= 0.5 && meanComponents >= 2) return 'good';
  if (meanComponents >= 1 || trials.some((t) => t.parse !== 'failed')) return 'fair';
  return 'poor';
}

export function videoAnalysisFrom(trials: readonly CritiqueTrial[], violations: readonly Violation[]): VideoAnalysis {
  const consistency = logicalConsistency(trials);
  const flags = trials.flatMap((t) => t.components.map((c) => c.anomaly).filter((a) => a !== null));
  const permanenceTrials = new Set(violations.filter((v) => v.category === 'object_permanence').map((v) => v.trial));
  const score = criticVerdict(trials).score;
  return {
    physical_accuracy: {
      // The critic score: share of parsed trials answering "No".
      score,
      violations: [...new Set(violations.map(violationId))],
      explanation: explanationOf(trials, violations),
    },
    reasoning_chain: {
      // Share of trials whose answer agrees with their own component flags (Yes ⟺ some component Yes).
      logical_consistency: round3(consistency),
      causal_relationships: consistency >= 0.9 ? 'strong' : consistency >= 0.5 ? 'moderate' : 'weak',
      // An object appearing or vanishing breaks the continuity of the scene.
      temporal_coherence: permanenceTrials.size > 0 ? 'broken' : 'maintained',
    },
    content_quality: {
      // Share of scene components judged free of anomalies; the critic score when none were flagged either way.
      visual_coherence: round3(flags.length > 0 ? flags.filter((a) => a === 'No').length / flags.length : score ?? 0),
      // 1 − share of trials reporting an object-permanence violation.
      object_permanence: round3(trials.length > 0 ? 1 - permanenceTrials.size / trials.length : 1),
      // From how many components the trials describe and how completely they parse.
      scene_understanding: sceneUnderstanding(trials),
    },
  };
}
