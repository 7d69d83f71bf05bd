import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCritique } from '../../src/engine/critique/parseCritique';
import { readYesNo } from '../../src/engine/critique/yesNo';
import { readAnswer } from '../fixtures/answers';

describe('parseCritique on the answer fixtures', () => {
  it('reads a well-formed answer completely', () => {
    const raw = readAnswer('wellFormed');
    const trial = parseCritique(raw);
    assert.equal(trial.parse, 'ok');
    assert.equal(trial.answer, 'Yes');
    assert.equal(trial.raw, raw);
    assert.match(trial.overview!, /^The video shows a red rubber ball/);
    assert.deepEqual(
      trial.components.map((c) => [c.name, c.anomaly]),
      [['Ball', 'Yes'], ['Hand', 'No'], ['Table', 'No']],
    );
    assert.match(trial.components[0]!.analysis, /^After leaving the table edge .* rises again at 2\.5s/);
    assert.doesNotMatch(trial.components[0]!.analysis, /<|>/);
  });

  it('keeps what it read of an answer cut off mid-component, and calls it failed', () => {
    const trial = parseCritique(readAnswer('truncated'));
    assert.equal(trial.parse, 'failed');
    assert.equal(trial.answer, null);
    assert.match(trial.overview!, /robotic arm picks up a blue cup/);
    assert.deepEqual(trial.components.map((c) => [c.name, c.anomaly]), [['Robot arm', 'No'], ['Cup', null]]);
    assert.match(trial.components[1]!.analysis, /passes through the gripper .* Later the cup$/);
  });

  it('reads "Answer: No" from prose without any tags, as partial', () => {
    const trial = parseCritique(readAnswer('noThinkTags'));
    assert.equal(trial.parse, 'partial');
    assert.equal(trial.answer, 'No');
    assert.deepEqual(trial.components, []);
    assert.match(trial.overview!, /^The video shows a person pouring water/);
    assert.doesNotMatch(trial.overview!, /Answer/);
  });

  it('reads an answer inside a markdown fence, with upper-case tags and loose quoting', () => {
    const trial = parseCritique(readAnswer('markdownFenced'));
    assert.equal(trial.parse, 'ok');
    assert.equal(trial.answer, 'No');
    assert.deepEqual(trial.components.map((c) => [c.name, c.anomaly]), [['Block A', 'No'], ['Block B', 'No']]);
    assert.doesNotMatch(trial.overview!, /```/);
  });

  it('fails on garbage, keeping the raw text', () => {
    const raw = readAnswer('garbage');
    assert.deepEqual(parseCritique(raw), { overview: null, components: [], answer: null, raw, parse: 'failed' });
  });
});

describe('parseCritique tolerance', () => {
  const component = (name: string, flag: string) => `<component name="${name}"><analysis>${name} is fine.</analysis><anomaly>${flag}</anomaly></component>`;

  it('needs no <think> tags', () => {
    const trial = parseCritique(`<overview>A ball.</overview>${component('Ball', 'No')}<answer>No</answer>`);
    assert.equal(trial.parse, 'ok');
    assert.equal(trial.answer, 'No');
  });

  it('reads components whose closing tags are all missing', () => {
    const trial = parseCritique('<think>\n<overview>A ball\n<component name="Ball">\n<analysis>rolls\n<anomaly>No\n<component name="Cup">\n<analysis>still\n<anomaly>yes\n</think>\n<answer>Yes');
    assert.equal(trial.parse, 'ok');
    assert.equal(trial.overview, 'A ball');
    assert.deepEqual(trial.components, [
      { name: 'Ball', analysis: 'rolls', anomaly: 'No' },
      { name: 'Cup', analysis: 'still', anomaly: 'Yes' },
    ]);
    assert.equal(trial.answer, 'Yes');
  });

  it('reads names in double, single, curly or no quotes, and after a colon', () => {
    const names = ['name="Red Ball"', "name='Red Ball'", 'name=“Red Ball”', 'name=Red Ball', 'name = Red Ball id=2', ': Red Ball'];
    for (const attrs of names) {
      const trial = parseCritique(`<component ${attrs}><analysis>x</analysis><anomaly>No</anomaly></component><answer>No</answer>`);
      assert.equal(trial.components[0]?.name, 'Red Ball', attrs);
    }
    const tagged = parseCritique('<component><name>Cup</name><analysis>x</analysis><anomaly>No</anomaly></component><answer>No</answer>');
    assert.equal(tagged.components[0]?.name, 'Cup');
    assert.equal(parseCritique('<component><analysis>x</analysis></component><answer>No</answer>').components[0]?.name, 'Component 1');
  });

  it('normalises the case, spaces and punctuation of answers and flags', () => {
    for (const [text, expected] of [['yes', 'Yes'], [' No.', 'No'], ['**NO**', 'No'], ['"Yes", the ball floats', 'Yes'], ['Yes|No', null], ['Maybe', null], ['Nothing', null]] as const) {
      assert.equal(readYesNo(text), expected, text);
    }
    const trial = parseCritique(`<overview>o</overview><component name="A"><analysis>a</analysis><anomaly>\n  YES \n</anomaly></component><component name="B"><analysis>b</analysis><anomaly>None</anomaly></component><answer>\n yes.\n</answer>`);
    assert.deepEqual(trial.components.map((c) => c.anomaly), ['Yes', 'No']);
    assert.equal(trial.answer, 'Yes');
  });

  it('is partial when a component has no anomaly flag', () => {
    const trial = parseCritique('<think><overview>o</overview><component name="A"><analysis>a</analysis></component></think><answer>No</answer>');
    assert.equal(trial.parse, 'partial');
    assert.equal(trial.components[0]!.anomaly, null);
    assert.equal(trial.components[0]!.analysis, 'a');
  });

  it('is partial without an overview', () => {
    assert.equal(parseCritique(`<think>${component('A', 'No')}</think><answer>No</answer>`).parse, 'partial');
  });

  it('reads a flag written as a line instead of a tag', () => {
    const trial = parseCritique('<overview>o</overview><component name="A">The ball hovers.\nAnomaly: Yes</component><answer>Yes</answer>');
    assert.deepEqual(trial.components[0], { name: 'A', analysis: 'The ball hovers.', anomaly: 'Yes' });
  });

  it('ignores text outside the tags', () => {
    const trial = parseCritique(`Sure! Let me look.\n<think><overview>o</overview>${component('A', 'No')}</think>\n<answer>No</answer>\nHope this helps.`);
    assert.equal(trial.parse, 'ok');
    assert.equal(trial.overview, 'o');
  });

  it('finds the answer after </think> when the <answer> tag is missing', () => {
    const trial = parseCritique(`<think><overview>o</overview>${component('A', 'No')}</think>\n\n No.`);
    assert.equal(trial.answer, 'No');
    assert.equal(trial.parse, 'ok');
  });

  it('finds a final answer line in its usual spellings', () => {
    for (const tail of ['Answer: No', '**Answer:** No', 'Final answer - no', 'The answer is: No.', '### Answer\nNo']) {
      assert.equal(parseCritique(`The ball rolls normally.\n\n${tail}`).answer, 'No', tail);
    }
    assert.equal(parseCritique('Answer: Yes\n...\nAnswer: No').answer, 'No');
  });

  it('reads an answer written as a short sentence', () => {
    assert.equal(parseCritique('<answer>Based on the analysis above, yes.</answer>').answer, 'Yes');
    assert.equal(parseCritique('<answer>There are no anomalies.</answer>').answer, 'No');
    assert.equal(parseCritique('<answer>Yes and no.</answer>').answer, 'Yes');
    assert.equal(parseCritique('<answer>Hard to say: maybe yes, maybe no.</answer>').answer, null);
  });

  it('reads a bare one-word answer', () => {
    assert.deepEqual({ ...parseCritique(' Yes. '), raw: '' }, { overview: null, components: [], answer: 'Yes', raw: '', parse: 'partial' });
  });

  it('takes the last real answer when the template is echoed first', () => {
    const trial = parseCritique(`Format: <answer>Yes|No</answer>\n<think><overview>o</overview>${component('A', 'No')}</think><answer>No</answer>`);
    assert.equal(trial.answer, 'No');
  });

  it('reads answers whose tags were HTML-escaped', () => {
    const trial = parseCritique('&lt;think&gt;&lt;overview&gt;A &amp; B&lt;/overview&gt;&lt;component name=&quot;A&quot;&gt;&lt;analysis&gt;a&lt;/analysis&gt;&lt;anomaly&gt;No&lt;/anomaly&gt;&lt;/component&gt;&lt;/think&gt;&lt;answer&gt;No&lt;/answer&gt;');
    assert.equal(trial.parse, 'ok');
    assert.equal(trial.overview, 'A & B');
    assert.equal(trial.components[0]!.name, 'A');
  });

  it('handles Windows line endings', () => {
    const trial = parseCritique(`<think>\r\n<overview>o</overview>\r\n${component('A', 'No')}\r\n</think>\r\n<answer>\r\nNo\r\n</answer>\r\n`);
    assert.equal(trial.parse, 'ok');
  });

  it('fails without an answer even when the structure is there', () => {
    const trial = parseCritique(`<think><overview>o</overview>${component('A', 'No')}</think><answer></answer>`);
    assert.equal(trial.parse, 'failed');
    assert.equal(trial.components.length, 1);
  });

  it('never throws, whatever it is given', () => {
    const inputs = ['', '<', '<<<>>>', '<think', '</answer><answer>', '<component name=', '<component name="x', 'Answer:', '\u0000\uffff', '<answer>'.repeat(1000)];
    for (const input of inputs) assert.equal(parseCritique(input).raw, input);
    for (const input of [null, undefined, 42] as unknown as string[]) assert.equal(parseCritique(input).parse, 'failed');
  });

  it('parses a long unclosed answer in linear time', () => {
    const huge = '<think><overview>o</overview>' + '<component name="x"><analysis>' + 'words '.repeat(20) + '\n';
    const started = Date.now();
    const trial = parseCritique(huge.repeat(20_000));
    assert.equal(trial.components.length, 20_000);
    assert.ok(Date.now() - started < 5000);
  });
});
