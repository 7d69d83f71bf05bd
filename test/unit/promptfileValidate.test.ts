import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { promptHash } from '../../src/promptfile/promptHash';
import { validatePromptFile, type ValidationEnvironment } from '../../src/promptfile/validatePromptFile';

const BODY = '## system\nCheck {{focus}}.\n## user\nAny anomalies?\n';
const everythingExists: ValidationEnvironment = { exists: () => true };

/** A prompt file whose front matter is `lines` (line 1 of the file is the first of them). */
function prompt(lines: string[], body = BODY): string {
  return `---\n${lines.join('\n')}\n---\n${body}`;
}

const VALID = ['id: test', 'version: 1', 'mode: critic', 'focus: [gravity]'];

/** `code severity line:char-line:char` for each diagnostic, in file order. */
function problems(text: string, environment = everythingExists): string[] {
  return validatePromptFile(text, environment).map(
    ({ code, severity, range: { start, end } }) => `${code} ${severity} ${start.line}:${start.character}-${end.line}:${end.character}`,
  );
}

describe('validatePromptFile: ranges of each kind of problem', () => {
  it('accepts a complete prompt without a single diagnostic', () => {
    assert.deepEqual(problems(prompt(VALID)), []);
  });

  it('no front matter: the first line', () => {
    assert.deepEqual(problems(BODY), ['front-matter-missing error 0:0-0:9']);
  });

  it('front matter never closed: the opening line', () => {
    const diagnostics = problems('---\nid: test\nversion: 1\n');
    assert.ok(diagnostics.includes('front-matter-unclosed error 0:0-0:3'));
  });

  it('YAML syntax errors where the parser stops, duplicate keys on the second key', () => {
    assert.deepEqual(problems(prompt([...VALID, 'mode: reward'])).filter((p) => p.startsWith('yaml')), ['yaml-syntax error 5:0-5:4']);
    const unclosed = validatePromptFile(prompt(['id: test', 'version: 1', 'focus: [gravity', 'trials: 2']), everythingExists);
    const syntax = unclosed.find((d) => d.code === 'yaml-syntax');
    assert.ok(syntax, 'an unclosed flow list is a syntax error');
    assert.equal(syntax.severity, 'error');
    assert.match(syntax.message, /^YAML: /);
    assert.ok(syntax.range.start.line >= 3 && syntax.range.start.line <= 5);
  });

  it('front matter that is not a map', () => {
    assert.deepEqual(problems(prompt(['- id', '- version'])).slice(0, 1), ['not-a-map error 1:0-2:9']);
  });

  it('unknown keys, with a suggestion when one is close', () => {
    const [typo, far] = validatePromptFile(prompt([...VALID, 'trails: 2', 'video: { fsp: 4 }', 'colour: red']), everythingExists).filter((d) => d.code === 'unknown-key');
    assert.deepEqual(typo?.range, { start: { line: 5, character: 0 }, end: { line: 5, character: 6 } });
    assert.equal(typo?.replacement, 'trials');
    assert.equal(typo?.message, 'Unknown key "trails": did you mean "trials"?');
    assert.deepEqual(far?.range, { start: { line: 6, character: 9 }, end: { line: 6, character: 12 } });
    assert.equal(far?.message, 'Unknown key "fsp" in "video": did you mean "fps"?');
    assert.deepEqual(problems(prompt([...VALID, 'colour: red'])), ['unknown-key warning 5:0-5:6']);
  });

  it('missing id and version: on the opening line, naming the key', () => {
    const diagnostics = validatePromptFile(prompt(['mode: critic']), everythingExists).filter((d) => d.code === 'missing-key');
    assert.deepEqual(
      diagnostics.map((d) => [d.path, d.range.start.line, d.range.end.character]),
      [[['id'], 0, 3], [['version'], 0, 3]],
    );
  });

  it('keys without a value: on the key', () => {
    assert.deepEqual(problems(prompt(['id: test', 'version:', 'mode:', 'focus: [gravity]'])), ['missing-value error 2:0-2:7', 'missing-value warning 3:0-3:4']);
  });

  it('wrong types: on the value', () => {
    assert.deepEqual(problems(prompt([...VALID, 'trials: many', 'video: 4', 'ignore: lighting', 'domain: [a]'])), [
      'wrong-type error 5:8-5:12',
      'wrong-type error 6:7-6:8',
      'wrong-type error 7:8-7:16',
      'wrong-type error 8:8-8:11',
    ]);
    const [trials] = validatePromptFile(prompt([...VALID, 'trials: 2.5']), everythingExists);
    assert.equal(trials?.message, '"trials" must be a whole number, not the number 2.5.');
    const [version] = validatePromptFile(prompt(['id: test', 'version: [1]', 'focus: [gravity]']), everythingExists);
    assert.equal(version?.code, 'wrong-type');
    assert.deepEqual(version?.path, ['version']);
  });

  it('values out of range or not allowed: on the value', () => {
    const text = prompt(['id: test', 'version: 1', 'mode: critc', 'focus: [gravity]', 'trials: 0', 'generation: { top_p: 1.5, temperature: -1 }', 'video:', '  sampling: linear']);
    assert.deepEqual(problems(text), [
      'invalid-value error 3:6-3:11',
      'invalid-value error 5:8-5:9',
      'invalid-value error 6:21-6:24',
      'invalid-value error 6:39-6:41',
      'invalid-value error 8:12-8:18',
    ]);
    const mode = validatePromptFile(text, everythingExists)[0]!;
    assert.equal(mode.message, '"mode" must be "reward" or "critic", not "critc".');
    assert.equal(mode.replacement, 'critic');
  });

  it('unknown focus and ignore categories: on the item', () => {
    const text = prompt(['id: test', 'version: 1', 'focus: [gravity, gravty, lighting]', 'ignore:', '  - audio', '  - sound']);
    assert.deepEqual(problems(text), ['unknown-category warning 3:17-3:23', 'unknown-category warning 3:25-3:33', 'unknown-category warning 6:4-6:9']);
    const messages = validatePromptFile(text, everythingExists).map((d) => d.message);
    assert.deepEqual(messages, [
      'Unknown focus category "gravty": did you mean "gravity"?',
      '"lighting" is a category for "ignore", not "focus".',
      'Unknown ignore category "sound". Known: animation_style, audio, lighting, shadows, camera_effects, artistic_style, background.',
    ]);
  });

  it('settings that contradict each other or are not used', () => {
    assert.deepEqual(problems(prompt([...VALID, 'video: { fps: 4, nframes: 8, min_frames: 9, max_frames: 8 }'])), [
      'conflicting-settings error 5:17-5:24',
      'conflicting-settings error 5:29-5:39',
    ]);
    assert.deepEqual(problems(prompt(['id: test', 'version: 1', 'mode: reward', 'video: { sampling: reward, fps: 2 }', 'trials: 3'], '## system\nS\n## user\nU\n')), [
      'ignored-setting warning 4:27-4:30',
      'ignored-setting warning 5:0-5:6',
    ]);
    assert.deepEqual(problems(prompt([...VALID, 'trials: 4', 'generation: { temperature: 0 }'])), ['conflicting-settings warning 5:0-5:6']);
  });

  it('missing, empty, repeated and unknown sections', () => {
    assert.deepEqual(problems(prompt(VALID, '## user\nQ?\n')), ['missing-section error 5:0-5:3']);
    assert.deepEqual(problems(prompt(VALID, '## system\n\n## user\nQ {{focus}}\n## system\nS\n## notes\nN\n')), [
      'empty-section error 6:0-6:9',
      'duplicate-section warning 10:0-10:9',
      'unknown-section warning 12:0-12:8',
    ]);
  });

  it('unknown and empty {{variables}}: on the placeholder', () => {
    const text = prompt(['id: test', 'version: 1'], '## system\nLook at {{ focs }} in {{domain}}.\n## user\n{{ignore}}?\n');
    assert.deepEqual(problems(text), ['unknown-variable error 5:8-5:18', 'empty-variable warning 5:22-5:32', 'empty-variable warning 7:0-7:10']);
    assert.equal(validatePromptFile(text, everythingExists)[0]?.replacement, '{{focus}}');
  });

  it('pins: not relative, not a video, not found', () => {
    const exists = (path: string) => path === 'clips/here.mp4';
    const text = prompt([...VALID, 'pin: [clips/here.mp4, /abs/clip.mp4, ../out.mp4, notes.txt, clips/gone.mp4]']);
    assert.deepEqual(problems(text, { exists }), [
      'pin-not-relative warning 5:22-5:35',
      'pin-not-relative warning 5:37-5:47',
      'pin-not-video warning 5:49-5:58',
      'pin-not-found warning 5:60-5:74',
    ]);
  });

  it('a text changed since results were recorded under the same version: on the version value', () => {
    const text = prompt(VALID);
    const recorded = (hashes: string[]) => ({ exists: () => true, recordedHashes: (id: string, version: string | number) => (id === 'test' && String(version) === '1' ? hashes : []) });
    assert.deepEqual(problems(text, recorded(['0'.repeat(64)])), ['text-changed warning 2:9-2:10']);
    const [changed] = validatePromptFile(text, recorded(['0'.repeat(64)]));
    assert.deepEqual(changed?.path, ['version']);
    assert.match(changed!.message, /changed since results were recorded as "test" version 1: bump the version/);
    assert.deepEqual(problems(text, recorded([promptHash(text), '0'.repeat(64)])), []);
    assert.deepEqual(problems(text, recorded([])), []);
  });

  it('counts lines the same in a file with CRLF line ends', () => {
    const text = prompt([...VALID, 'colour: red', 'trials: 0']).replace(/\n/g, '\r\n');
    assert.deepEqual(problems(text), ['unknown-key warning 5:0-5:6', 'invalid-value error 6:8-6:9']);
  });
});
