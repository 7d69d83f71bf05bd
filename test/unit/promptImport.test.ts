import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { promptMessages } from '../../src/engine/model/promptSequence';
import { TextTokenizer } from '../../src/engine/model/textTokenizer';
import { DEFAULT_USER_TEXT, guessMode, importedPromptFile, importedTexts, pythonStringConstants } from '../../src/promptfile/importPrompt';
import { parsePromptFile } from '../../src/promptfile/promptFile';
import { buildTinyTokenizer } from '../fixtures/tinyModel/tokenizer';

const roundTrip = (system: string, user: string, mode: 'reward' | 'critic' = 'critic') => {
  const file = importedPromptFile({ system, user, from: { system: 's', user: 'u' } }, { id: 'imported', mode, source: 'x', sourceText: system + user });
  return parsePromptFile(file, '/tmp/imported.prompt.md');
};

describe('prompt import: texts byte for byte', () => {
  it('YAML block scalars keep their final newline (critic YAML layout)', () => {
    const yaml = 'system_prompt: |\n  You analyse videos.\n\n  <answer>\n  [Yes or No]\n  </answer>\nuser_prompt: Is anything wrong?\n';
    const texts = importedTexts(yaml, 'critic.yaml');
    assert.equal(texts.system, 'You analyse videos.\n\n<answer>\n[Yes or No]\n</answer>\n');
    assert.equal(texts.user, 'Is anything wrong?');
    const prompt = roundTrip(texts.system, texts.user);
    assert.equal(prompt.system, texts.system);
    assert.equal(prompt.user, texts.user);
    assert.equal(guessMode(texts), 'critic');
  });

  it('Python constants: triple quotes, escapes, implicit concatenation, raw strings', () => {
    const py = [
      'import os',
      'SYSTEM_PROMPT = """Check physics.',
      '* Gravity (e.g. a ball falls)',
      'Begin your response with a single word: \\"Yes\\" or \\"No\\"."""',
      '',
      'USER_PROMPT = ("Does the video "',
      '               \'contain anomalies?\')',
      "RAW = r'a\\nb'",
      'NOT_A_CONSTANT = f"{os.sep}"',
      'def f():',
      '    INNER = "ignored"',
    ].join('\n');
    const constants = pythonStringConstants(py);
    assert.equal(constants.SYSTEM_PROMPT, 'Check physics.\n* Gravity (e.g. a ball falls)\nBegin your response with a single word: "Yes" or "No".');
    assert.equal(constants.USER_PROMPT, 'Does the video contain anomalies?');
    assert.equal(constants.RAW, 'a\\nb');
    assert.equal(constants.NOT_A_CONSTANT, undefined);
    assert.equal(constants.INNER, undefined);
    const texts = importedTexts(py, 'reward_inference.py');
    assert.equal(guessMode(texts), 'reward');
    const prompt = roundTrip(texts.system, texts.user, 'reward');
    assert.equal(prompt.system, texts.system);
    assert.equal(prompt.user, 'Does the video contain anomalies?');
    assert.equal(prompt.mode, 'reward');
    assert.equal(prompt.video.rule, 'reward');
  });

  it('plain text keeps leading spaces, trailing blank lines, headings, backtick fences and {{braces}}', () => {
    const text = '   indented first line\n## user\n````verbatim\n```` and {{focus}} stay\n\n\n';
    const texts = importedTexts(text, 'notes.txt');
    assert.equal(texts.user, DEFAULT_USER_TEXT);
    const prompt = roundTrip(texts.system, texts.user);
    assert.equal(prompt.system, text);
    assert.equal(prompt.user, DEFAULT_USER_TEXT);
  });

  it('a text without a final newline reads back without one', () => {
    assert.equal(roundTrip('no newline', 'q').system, 'no newline');
    assert.equal(roundTrip('one newline\n', 'q').system, 'one newline\n');
  });

  it('bad files name themselves and what is missing', () => {
    assert.throws(() => importedTexts('a: [', 'bad.yaml'), /bad\.yaml: is not valid YAML/);
    assert.throws(() => importedTexts('user_prompt: hi\n', 'nosys.yaml'), /nosys\.yaml: has no system_prompt/);
    assert.throws(() => importedTexts('X = 1\nNAME = "n"\n', 'script.py'), /script\.py: has no SYSTEM_PROMPT string constant \(string constants found: NAME\)/);
    assert.throws(() => importedTexts('', 'empty.txt'), /empty\.txt: is empty/);
  });
});

describe('section text rule', () => {
  it('ordinary sections are trimmed: the final line break and surrounding blank lines are layout', () => {
    const p = parsePromptFile('---\nid: t\nversion: 1\n---\n## system\n\n  Hello\n\n## user\nQ?\n', null);
    assert.equal(p.system, 'Hello');
    assert.equal(p.user, 'Q?');
  });
});

describe('the chat text of an imported prompt is the reference template rendering', () => {
  it('Qwen2.5-VL template: system text as is, the video before the user text', () => {
    const tiny = buildTinyTokenizer();
    const tokenizer = new TextTokenizer(tiny.tokenizerJson, tiny.tokenizerConfig as Record<string, unknown>, 'tokenizer_config.json');
    const texts = importedTexts('system_prompt: |\n  Judge the video.\n  <answer>Yes | No</answer>\nuser_prompt: Does the video contain any anomalies or artifacts?\n', 'critic.yaml');
    const prompt = roundTrip(texts.system, texts.user);
    const rendered = tokenizer.renderChat(promptMessages(prompt.system, prompt.user));
    const reference =
      '<|im_start|>system\nJudge the video.\n<answer>Yes | No</answer>\n<|im_end|>\n' +
      '<|im_start|>user\n<|vision_start|><|video_pad|><|vision_end|>Does the video contain any anomalies or artifacts?<|im_end|>\n' +
      '<|im_start|>assistant\n';
    assert.equal(rendered, reference);
  });
});
