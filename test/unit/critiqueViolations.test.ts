import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CritiqueTrial } from '../../src/shared/result';
import { parseCritique } from '../../src/engine/critique/parseCritique';
import { inferCategory } from '../../src/engine/critique/violationCategory';
import { briefDescription, violationsFromTrials } from '../../src/engine/critique/violations';
import { readAnswer } from '../fixtures/answers';

const trial = (answer: 'Yes' | 'No' | null, components: [string, string, 'Yes' | 'No' | null][], overview: string | null = 'o'): CritiqueTrial => ({
  overview,
  components: components.map(([name, analysis, anomaly]) => ({ name, analysis, anomaly })),
  answer,
  raw: '',
  parse: answer ? 'ok' : 'failed',
});

describe('inferCategory', () => {
  const cases: [string | null, string, string][] = [
    ['Ball', 'The ball falls upward after leaving the table, defying gravity.', 'gravity'],
    ['Box', 'The box hovers above the floor with no support.', 'gravity'],
    ['Cup', 'The cup passes through the gripper fingers.', 'collision'],
    ['Car', 'The two cars collide but neither deforms; one clips through the other.', 'collision'],
    ['Robot arm', 'The gripper closes on empty space yet the cup is lifted without contact.', 'object_interaction'],
    ['Water', 'The stream bends sideways halfway down.', 'fluid_dynamics'],
    ['Pitcher', 'The liquid pours out before the pitcher is tilted, splashing upward.', 'fluid_dynamics'],
    ['Glass', 'The glass vanishes from the table and reappears a moment later.', 'object_permanence'],
    ['Chair', 'A second chair appears out of nowhere next to the first.', 'object_permanence'],
    ['Person', "The man's knee bends backwards while he walks; his gait is jerky.", 'human_motion'],
    ['Domino', 'The last domino topples on its own before the previous one reaches it, reversing cause and effect.', 'common_sense'],
    ['Lamp', 'The lamp shade is slightly too bright.', 'other'],
    [null, '', 'other'],
  ];
  for (const [name, analysis, expected] of cases) {
    it(`${name}: ${expected}`, () => assert.equal(inferCategory(name, analysis), expected));
  }

  it('does not count a robot arm as a human body', () => {
    assert.notEqual(inferCategory('Robot arm', 'The robot arm rotates its wrist and moves the block.'), 'human_motion');
  });
});

describe('briefDescription', () => {
  it('keeps the first sentence, and the second when the first is short', () => {
    assert.equal(briefDescription('It floats at 2.5s. Then it drops. Then it rolls.'), 'It floats at 2.5s. Then it drops.');
    const long = 'A'.repeat(200) + '. Second sentence.';
    assert.equal(briefDescription(long), 'A'.repeat(200) + '.');
  });
  it('cuts near 300 characters at a word', () => {
    const text = 'word '.repeat(100);
    const brief = briefDescription(text);
    assert.ok(brief.length <= 300, String(brief.length));
    assert.ok(brief.endsWith('word…'));
  });
});

describe('violationsFromTrials', () => {
  it('gives one violation per flagged component, with its times', () => {
    const violations = violationsFromTrials([parseCritique(readAnswer('wellFormed'))]);
    assert.deepEqual(violations, [
      {
        category: 'gravity',
        component: 'Ball',
        start_s: 2.5,
        end_s: 2.5,
        description:
          'After leaving the table edge the ball slows in mid-air and rises again at 2.5s instead of accelerating toward the floor. It hangs above the tiles for several frames before landing, which defies gravity.',
        trial: 0,
      },
    ]);
  });

  it('maps frame numbers through the frame times', () => {
    const trials = [parseCritique(readAnswer('frames'))];
    const frameTimes = Array.from({ length: 32 }, (_, i) => i / 8);
    const [violation] = violationsFromTrials(trials, frameTimes);
    assert.equal(violation!.category, 'object_permanence');
    assert.equal(violation!.component, 'Glass');
    assert.deepEqual([violation!.start_s, violation!.end_s], [1, 1.5]);
    const [withoutTimes] = violationsFromTrials(trials);
    assert.deepEqual([withoutTimes!.start_s, withoutTimes!.end_s], [null, null]);
  });

  it('numbers violations by trial and keeps flagged components of unfinished trials', () => {
    const violations = violationsFromTrials([
      trial('No', [['A', 'fine', 'No']]),
      trial('Yes', [['Ball', 'It floats.', 'Yes'], ['Cup', 'It vanishes.', 'Yes']]),
      trial(null, [['Ball', 'It floats at 3s', 'Yes']]),
    ]);
    assert.deepEqual(violations.map((v) => [v.trial, v.component, v.category, v.start_s]), [
      [1, 'Ball', 'gravity', null],
      [1, 'Cup', 'object_permanence', null],
      [2, 'Ball', 'gravity', 3],
    ]);
  });

  it('adds one violation from the overview when a trial answers Yes without flagging a component', () => {
    const [v] = violationsFromTrials([trial('Yes', [['A', 'fine', 'No']], 'The water flows uphill at 0:04. Nothing else moves.')]);
    assert.deepEqual(v, {
      category: 'fluid_dynamics',
      component: null,
      start_s: 4,
      end_s: 4,
      description: 'The water flows uphill at 0:04. Nothing else moves.',
      trial: 0,
    });
    const [bare] = violationsFromTrials([trial('Yes', [], null)]);
    assert.equal(bare!.component, null);
    assert.equal(bare!.category, 'other');
    assert.match(bare!.description, /answered "Yes"/);
  });

  it('gives nothing for trials answering No with no flags', () => {
    assert.deepEqual(violationsFromTrials([trial('No', [['A', 'fine', 'No']]), trial(null, [])]), []);
  });
});
