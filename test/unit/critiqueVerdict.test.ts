import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { criticVerdict } from '../../src/engine/critique/criticVerdict';
import { parseAnswers } from '../../src/engine/critique/parseAnswers';
import { parseCritique } from '../../src/engine/critique/parseCritique';
import { videoAnalysisFrom, violationId } from '../../src/engine/critique/videoAnalysis';
import { violationsFromTrials } from '../../src/engine/critique/violations';
import { readAnswer } from '../fixtures/answers';

const answer = (yesNo: 'Yes' | 'No', flags: ('Yes' | 'No')[] = [yesNo], overview = 'A ball on a table.') =>
  `<think><overview>${overview}</overview>${flags.map((f, i) => `<component name="C${i}"><analysis>Part ${i}.</analysis><anomaly>${f}</anomaly></component>`).join('')}</think><answer>${yesNo}</answer>`;

describe('criticVerdict', () => {
  it('scores the share of parsed trials answering No: No, No, Yes, failed → 2/3', () => {
    const trials = [answer('No'), answer('No'), answer('Yes'), 'garbage'].map((t) => parseCritique(t));
    const verdict = criticVerdict(trials);
    assert.equal(verdict.score, 2 / 3);
    assert.equal(verdict.trials.length, 4);
    assert.equal(verdict.trials[3]!.parse, 'failed');
  });
  it('counts partial trials', () => {
    assert.equal(criticVerdict([parseCritique('Answer: No'), parseCritique('Answer: Yes')]).score, 0.5);
  });
  it('has no score (null, never 0) when no trial parses, or there are none', () => {
    assert.equal(criticVerdict([parseCritique(''), parseCritique(readAnswer('truncated'))]).score, null);
    assert.equal(criticVerdict([]).score, null);
  });
});

describe('violationId', () => {
  const v = { component: null, description: '', trial: 0 };
  it('names the category and the time when known', () => {
    assert.equal(violationId({ ...v, category: 'gravity', start_s: 12, end_s: 12 }), 'gravity_inconsistency_at_12s');
    assert.equal(violationId({ ...v, category: 'collision', start_s: null, end_s: null }), 'collision_violation');
    assert.equal(violationId({ ...v, category: 'fluid_dynamics', start_s: 3.5, end_s: 4 }), 'fluid_dynamics_violation_from_3.5s_to_4s');
    assert.equal(violationId({ ...v, category: 'other', start_s: 1 / 3, end_s: 1 / 3 }), 'physical_anomaly_at_0.33s');
  });
});

describe('videoAnalysisFrom', () => {
  it('summarises a well-formed Yes trial', () => {
    const trials = [parseCritique(readAnswer('wellFormed'))];
    const analysis = videoAnalysisFrom(trials, violationsFromTrials(trials));
    assert.deepEqual(analysis.physical_accuracy.violations, ['gravity_inconsistency_at_2.5s']);
    assert.equal(analysis.physical_accuracy.score, 0);
    assert.match(analysis.physical_accuracy.explanation, /^1 of 1 parsed trials found anomalies: Ball: After leaving the table edge .* \(at 2\.5s\)\.$/);
    assert.deepEqual(analysis.reasoning_chain, { logical_consistency: 1, causal_relationships: 'strong', temporal_coherence: 'maintained' });
    assert.deepEqual(analysis.content_quality, { visual_coherence: 0.667, object_permanence: 1, scene_understanding: 'excellent' });
  });

  it('measures how often answers agree with their own flags', () => {
    const trials = [answer('No'), answer('No'), answer('Yes', ['No']), answer('No', ['Yes'])].map((t) => parseCritique(t));
    const { reasoning_chain } = videoAnalysisFrom(trials, violationsFromTrials(trials));
    assert.equal(reasoning_chain.logical_consistency, 0.5);
    assert.equal(reasoning_chain.causal_relationships, 'moderate');
    const worse = [answer('Yes', ['No']), answer('No', ['Yes']), answer('No')].map((t) => parseCritique(t));
    assert.equal(videoAnalysisFrom(worse, []).reasoning_chain.causal_relationships, 'weak');
  });

  it('breaks temporal coherence and lowers object permanence on an object-permanence violation', () => {
    const trials = [readAnswer('frames'), answer('No'), answer('No'), answer('No')].map((t) => parseCritique(t));
    const analysis = videoAnalysisFrom(trials, violationsFromTrials(trials));
    assert.equal(analysis.reasoning_chain.temporal_coherence, 'broken');
    assert.equal(analysis.content_quality.object_permanence, 0.75);
    assert.deepEqual(analysis.physical_accuracy.violations, ['object_permanence_violation']);
    assert.equal(analysis.physical_accuracy.score, 0.75);
  });

  it('rates scene understanding from component counts and parse status', () => {
    const rate = (texts: string[]) => videoAnalysisFrom(texts.map((t) => parseCritique(t)), []).content_quality.scene_understanding;
    assert.equal(rate([answer('No', ['No', 'No', 'No'])]), 'excellent');
    assert.equal(rate([answer('No', ['No', 'No']), 'Answer: No']), 'fair');
    assert.equal(rate([answer('No', ['No', 'No'])]), 'good');
    assert.equal(rate(['Answer: No']), 'fair');
    assert.equal(rate(['garbage']), 'poor');
  });

  it('says when nothing could be parsed', () => {
    const trials = [parseCritique('garbage')];
    const analysis = videoAnalysisFrom(trials, []);
    assert.equal(analysis.physical_accuracy.score, null);
    assert.match(analysis.physical_accuracy.explanation, /None of the 1 answers could be parsed/);
    assert.equal(analysis.reasoning_chain.logical_consistency, 0);
  });

  it('says all parsed trials found nothing', () => {
    const trials = [answer('No'), answer('No'), 'garbage'].map((t) => parseCritique(t));
    assert.equal(videoAnalysisFrom(trials, []).physical_accuracy.explanation, 'All 2 parsed trials found no physical anomalies (1 of 3 could not be parsed).');
  });
});

describe('parseAnswers', () => {
  it('returns the critic verdict, violations and analysis together', () => {
    const frameTimes = Array.from({ length: 16 }, (_, i) => i / 4);
    const result = parseAnswers([answer('No'), readAnswer('frames'), readAnswer('truncated')], frameTimes);
    assert.equal(result.critic.score, 0.5);
    assert.deepEqual(result.critic.trials.map((t) => t.parse), ['ok', 'ok', 'failed']);
    assert.deepEqual(result.violations.map((v) => [v.trial, v.component, v.category, v.start_s, v.end_s]), [[1, 'Glass', 'object_permanence', 2, 3]]);
    assert.deepEqual(result.video_analysis.physical_accuracy.violations, ['object_permanence_violation_from_2s_to_3s']);
  });
});
