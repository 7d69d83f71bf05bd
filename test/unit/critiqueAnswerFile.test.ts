import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnswerFileError, answersFromFileText } from '../../src/engine/critique/answerFile';

describe('answersFromFileText', () => {
  it('reads a plain answer as one trial, untouched', () => {
    const text = '<think>\n<overview>o</overview>\n</think>\n<answer>No</answer>\n';
    assert.deepEqual(answersFromFileText(text), [text]);
  });
  it('reads a JSON array of strings', () => {
    assert.deepEqual(answersFromFileText('["Answer: No", "Answer: Yes"]'), ['Answer: No', 'Answer: Yes']);
  });
  it('reads "trials", "responses" or "outputs" arrays', () => {
    for (const key of ['trials', 'responses', 'outputs']) {
      assert.deepEqual(answersFromFileText(JSON.stringify({ video: 'a.mp4', [key]: ['a', 'b'] })), ['a', 'b'], key);
    }
  });
  it('reads objects that carry the answer as raw or text, and a result file of this tool', () => {
    assert.deepEqual(answersFromFileText(JSON.stringify([{ text: 'a' }, { raw: 'b' }])), ['a', 'b']);
    assert.deepEqual(answersFromFileText(JSON.stringify({ critic: { score: 1, trials: [{ raw: 'Answer: No' }] } })), ['Answer: No']);
  });
  it('splits plain text on lines of --- or ===', () => {
    assert.deepEqual(answersFromFileText('Answer: No\n---\nAnswer: Yes\n=====\nAnswer: No\n'), ['Answer: No', 'Answer: Yes', 'Answer: No']);
    assert.deepEqual(answersFromFileText('===== trial 1 =====\nA\r\n===== trial 2 =====\r\nB\n'), ['A', 'B']);
    assert.deepEqual(answersFromFileText('a -- b\n--\nc'), ['a -- b\n--\nc']);
  });
  it('reads a JSON string as one answer', () => {
    assert.deepEqual(answersFromFileText('"<answer>No</answer>\\n"'), ['<answer>No</answer>\n']);
  });
  it('reads text that only looks like JSON as an answer', () => {
    assert.deepEqual(answersFromFileText('[think] the ball floats\nAnswer: Yes'), ['[think] the ball floats\nAnswer: Yes']);
  });
  it('rejects empty files and JSON without answers with a message saying what is expected', () => {
    for (const text of ['', '  \n\t', '{"note": 1}', '[1, 2]', '[]', '["a", 2]']) {
      assert.throws(() => answersFromFileText(text), (e: unknown) => e instanceof AnswerFileError, text);
    }
    assert.throws(() => answersFromFileText('{"a":1}'), /"trials", "responses" or "outputs"/);
    assert.throws(() => answersFromFileText(''), /empty/);
  });
});
