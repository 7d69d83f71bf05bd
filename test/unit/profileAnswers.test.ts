import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readPlausibility, plausibilityTo01 } from '../../src/engine/critique/plausibilityScore';
import { parseProfileAnswers } from '../../src/engine/critique/profileAnswers';
import { splitThinking } from '../../src/engine/critique/thinkingSplit';
import { parseTimestamp, readTimeline } from '../../src/engine/critique/timelineAnswer';

// What Cosmos Reason 2 writes for NVIDIA's temporal-localisation prompt (their published sample output).
const FENCED = '```json\n[\n  {\n    "start": "00:00.10",\n    "end": "00:02.10",\n    "caption": "There is a STOP sign on the right side of the street."\n  }\n]\n```';

describe('thinking and answer', () => {
  it('takes the thinking from the reasoning field and the answer from content', () => {
    const s = splitThinking({ content: '\n\nYes', reasoning: 'The ball rises.' });
    assert.deepEqual([s.thinking, s.answer, s.source, s.answerFromReasoning], ['The ball rises.', 'Yes', 'field', false]);
  });
  it('splits <think>…</think> in content, with or without the opening tag, and drops <answer> tags', () => {
    assert.deepEqual(splitThinking({ content: '<think>\nhm\n</think>\n\nNo' }).answer, 'No');
    const templated = splitThinking({ content: 'reasoning only\n</think>\n<answer>Yes</answer>' });
    assert.deepEqual([templated.thinking, templated.answer, templated.source], ['reasoning only', 'Yes', 'think-tags']);
  });
  it('recovers the answer when the reasoning parser put everything in the reasoning field', () => {
    const s = splitThinking({ content: '', reasoning: '[{"start": "00:01.00", "end": "00:02.00", "caption": "x"}]' });
    assert.equal(s.answerFromReasoning, true);
    assert.match(s.answer, /^\[\{"start"/);
    const split = splitThinking({ content: '', reasoning: 'thinking here</think>\n4' });
    assert.deepEqual([split.thinking, split.answer, split.answerFromReasoning], ['thinking here', '4', true]);
  });
  it('marks a generation that stopped inside its thinking', () => {
    const s = splitThinking({ content: '<think>The ball falls and then' });
    assert.deepEqual([s.truncated, s.answer], [true, '']);
  });
});

describe('timestamps and timelines', () => {
  it('reads mm:ss.ff, hh:mm:ss, ss.ff and numbers as seconds', () => {
    assert.equal(parseTimestamp('00:02.10'), 2.1);
    assert.equal(parseTimestamp('01:02.50'), 62.5);
    assert.equal(parseTimestamp('1:02:03'), 3723);
    assert.equal(parseTimestamp('12.5'), 12.5);
    assert.equal(parseTimestamp('12,5s'), 12.5);
    assert.equal(parseTimestamp(3), 3);
    assert.equal(parseTimestamp('00:75.00'), null);
    assert.equal(parseTimestamp('soon'), null);
    assert.equal(parseTimestamp(-1), null);
  });
  it('reads NVIDIA\'s fenced sample output', () => {
    const read = readTimeline(FENCED, 5);
    assert.equal(read.parse, 'ok');
    assert.deepEqual(read.events.map((e) => [e.start_s, e.end_s]), [[0.1, 2.1]]);
    assert.match(read.events[0]!.caption, /STOP sign/);
  });
  it('tolerates prose around the JSON, trailing commas and an object with an events list', () => {
    const read = readTimeline('Here are the violations:\n[{"start": 1, "end": 2, "caption": "a",},]\nLet me know if…', 10);
    assert.deepEqual(read.events.map((e) => [e.start_s, e.end_s, e.caption]), [[1, 2, 'a']]);
    assert.equal(readTimeline('{"events": [{"start": "0.5", "end": "1.5", "description": "b"}]}', 10).events[0]!.caption, 'b');
  });
  it('clamps times past the clip and swaps reversed ones, flagging each; keeps unreadable ones as null', () => {
    const read = readTimeline('[{"start":"00:04.00","end":"00:09.00","caption":"late"},{"start":"3","end":"1","caption":"rev"},{"start":"soon","end":"later","caption":"odd"}]', 6);
    assert.equal(read.parse, 'partial');
    assert.deepEqual(read.events.map((e) => [e.start_s, e.end_s, e.issue]), [[4, 6, 'clamped'], [1, 3, 'swapped'], [null, null, 'unreadable']]);
    assert.equal(read.events[0]!.end_raw, '00:09.00');
  });
  it('an empty list is a clean "nothing found"; no JSON at all is a failed read', () => {
    assert.deepEqual(readTimeline('```json\n[]\n```', 3), { events: [], parse: 'ok' });
    assert.equal(readTimeline('No violations.', 3).parse, 'failed');
  });
});

describe('1–5 plausibility', () => {
  it('reads the score however it is written', () => {
    assert.equal(readPlausibility('4'), 4);
    assert.equal(readPlausibility('**3**'), 3);
    assert.equal(readPlausibility('Score: 2'), 2);
    assert.equal(readPlausibility('I would rate it 5/5.'), 5);
    assert.equal(readPlausibility('```json\n{"score": 1}\n```'), 1);
    assert.equal(readPlausibility('7'), null);
    assert.equal(readPlausibility('plausible'), null);
  });
  it('maps 1–5 to 0–1', () => {
    assert.deepEqual([1, 3, 5].map(plausibilityTo01), [0, 0.5, 1]);
  });
});

describe('answers into result fields, per answer kind', () => {
  it('timeline: each event a violation on the timeline; an empty list answers "No"', () => {
    const parsed = parseProfileAnswers(
      [
        { content: FENCED.replace('STOP sign on the right side of the street', 'ball falls upward against gravity'), reasoning: 'I watch the ball.' },
        { content: '[]', reasoning: 'Nothing odd.' },
      ],
      { kind: 'timeline', reasoning: 'think-then-answer', durationS: 5 },
    );
    assert.deepEqual(parsed.violations.map((v) => [v.category, v.start_s, v.end_s, v.trial]), [['gravity', 0.1, 2.1, 0]]);
    assert.deepEqual(parsed.critic.trials.map((t) => t.answer), ['Yes', 'No']);
    assert.equal(parsed.critic.score, 0.5);
    assert.equal(parsed.critic.trials[0]!.reasoning, 'I watch the ball.');
    assert.match(parsed.critic.trials[0]!.raw, /^<think>\nI watch the ball\.\n<\/think>\n```json/);
  });
  it('timeline: a clamped time is flagged on its violation, never dropped', () => {
    const parsed = parseProfileAnswers([{ content: '[{"start": "00:01.00", "end": "00:30.00", "caption": "the cup passes through the table"}]' }], { kind: 'timeline', reasoning: 'think-then-answer', durationS: 4 });
    assert.deepEqual(parsed.violations.map((v) => [v.start_s, v.end_s, v.time_issue, v.category]), [[1, 4, 'clamped', 'collision']]);
  });
  it('score: the raw 1–5 kept, the mean mapped to 0–1 as the critic score', () => {
    const parsed = parseProfileAnswers([{ content: '<think>ok</think>\n4' }, { content: '2' }, { content: 'hmm' }], { kind: 'score', reasoning: 'think-then-answer', durationS: 4 });
    assert.deepEqual(parsed.plausibility, { score: 0.5, raw_mean: 3, raw: [4, 2, null] });
    assert.equal(parsed.critic.score, 0.5);
    assert.deepEqual(parsed.critic.trials.map((t) => [t.answer, t.parse]), [['No', 'ok'], ['Yes', 'ok'], [null, 'failed']]);
    assert.equal(parsed.video_analysis.physical_accuracy.score, 0.5);
    assert.equal(parsed.video_analysis.physical_accuracy.explanation, 'Plausibility 3 of 5 over 2 scored trials (1 gave no score).');
  });
  it('score: no trial gave a 1–5 score → no score at all (null, never 0)', () => {
    const parsed = parseProfileAnswers([{ content: 'hmm' }, { content: '', reasoning: 'It looks fine' }], { kind: 'score', reasoning: 'think-then-answer', durationS: 4 });
    assert.deepEqual(parsed.plausibility, { score: null, raw_mean: null, raw: [null, null] });
    assert.equal(parsed.critic.score, null);
    assert.deepEqual(parsed.critic.trials.map((t) => [t.answer, t.parse]), [[null, 'failed'], [null, 'failed']]);
    assert.equal(parsed.video_analysis.physical_accuracy.score, null);
    assert.equal(parsed.video_analysis.physical_accuracy.explanation, 'None of the 2 answers gave a 1–5 score.');
  });
  it('critique and timeline: no trial read → no critic score', () => {
    for (const kind of ['critique', 'timeline'] as const) {
      const parsed = parseProfileAnswers([{ content: 'I cannot tell.' }], { kind, reasoning: 'think-then-answer', durationS: 4 });
      assert.equal(parsed.critic.score, null, kind);
      assert.equal(parsed.critic.trials[0]!.answer, null, kind);
    }
  });
  it('critique from a Qwen3 model: the answer after </think> without tags, times from the thinking', () => {
    const parsed = parseProfileAnswers([{ content: 'Yes', reasoning: 'The red ball floats upward at 2.5s, which defies gravity.' }], { kind: 'critique', reasoning: 'think-then-answer', durationS: 4 });
    assert.equal(parsed.critic.trials[0]!.answer, 'Yes');
    assert.deepEqual(parsed.violations.map((v) => [v.category, v.start_s]), [['gravity', 2.5]]);
  });
  it('critique from Reason 1: the template, read as before', () => {
    const raw = '<think><overview>A ball.</overview><component name="ball"><analysis>Fine.</analysis><anomaly>No</anomaly></component></think><answer>No</answer>';
    const parsed = parseProfileAnswers([{ content: raw }], { kind: 'critique', reasoning: 'template', durationS: 4 });
    assert.deepEqual([parsed.critic.trials[0]!.answer, parsed.critic.trials[0]!.parse, parsed.critic.trials[0]!.raw], ['No', 'ok', raw]);
  });
});
