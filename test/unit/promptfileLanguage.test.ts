import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompletionItem, Diagnostic, TextEdit } from 'vscode-languageserver';
import { FOCUS_CATEGORIES, GENERATION_KEYS, IGNORE_CATEGORIES, PROMPT_KEYS, VIDEO_KEYS } from '../../src/promptfile/promptSchema';
import { pinnedVideosLens } from '../../src/server/promptfile/promptCodeLens';
import { promptCodeActions } from '../../src/server/promptfile/promptCodeActions';
import { promptCompletions } from '../../src/server/promptfile/promptCompletion';
import { promptHover } from '../../src/server/promptfile/promptHover';

const VIDEOS = ['clips/drop.mp4', 'clips/two words.mov', 'pour.webm'];

/** The prompt file with `front` as its front matter, and the position of the `|` in it. */
function at(front: string): { text: string; position: { line: number; character: number } } {
  const marker = front.indexOf('|');
  const before = `---\n${front.slice(0, marker)}`.split('\n');
  return {
    text: `---\n${front.replace('|', '')}\n---\n## system\nCheck {{focus}}.\n## user\nAny anomalies?\n`,
    position: { line: before.length - 1, character: before.at(-1)!.length },
  };
}

function complete(front: string): CompletionItem[] {
  const { text, position } = at(front);
  return promptCompletions(text, position, VIDEOS);
}

const labels = (items: CompletionItem[]) => items.map((item) => item.label);
const edit = (item: CompletionItem | undefined) => item?.textEdit as TextEdit;
const all = (table: object) => Object.keys(table);
const without = (table: object, ...names: string[]) => all(table).filter((name) => !names.includes(name));

describe('prompt file completion', () => {
  const table: Array<[string, string[]]> = [
    ['|', all(PROMPT_KEYS)],
    ['id: p\nversion: 1\n|', without(PROMPT_KEYS, 'id', 'version')],
    ['id: p\nmo|', without(PROMPT_KEYS, 'id')],
    ['mode: |', ['reward', 'critic']],
    ['mode: cr|', ['reward', 'critic']],
    ['focus: [|]', all(FOCUS_CATEGORIES)],
    ['focus: [gravity, |]', without(FOCUS_CATEGORIES, 'gravity')],
    ['focus: [gravity, coll|', without(FOCUS_CATEGORIES, 'gravity')],
    ['focus:\n  - gravity\n  - |', without(FOCUS_CATEGORIES, 'gravity')],
    ['ignore: [audio, |]', without(IGNORE_CATEGORIES, 'audio')],
    ['pin: [|]', VIDEOS],
    ['pin: [clips/drop.mp4, |]', VIDEOS.slice(1)],
    ['pin:\n  - |', VIDEOS],
    ['video: { fps: 4, |}', without(VIDEO_KEYS, 'fps')],
    ['video:\n  |', all(VIDEO_KEYS)],
    ['video: { sampling: |}', ['fps', 'reward']],
    ['video:\n  fps: 4\n  sampling: |', ['fps', 'reward']],
    ['generation:\n  temperature: 0\n  |', without(GENERATION_KEYS, 'temperature')],
    ['generation: { max_new_tokens: |}', ['1024', '4096']],
    ['domain: x # a comment|', []],
  ];
  for (const [front, expected] of table) {
    it(`${JSON.stringify(front)} offers ${expected.length} items`, () => {
      assert.deepEqual(labels(complete(front)), expected);
    });
  }

  it('replaces the word being typed and inserts keys with their colon', () => {
    const items = complete('id: p\nmo|');
    assert.deepEqual(edit(items.find((item) => item.label === 'mode')), {
      range: { start: { line: 2, character: 0 }, end: { line: 2, character: 2 } },
      newText: 'mode: ',
    });
    const renamed = complete('mo|de: critic').find((item) => item.label === 'mode');
    assert.equal(edit(renamed).newText, 'mode');
    assert.deepEqual(edit(renamed).range.end, { line: 1, character: 4 });
    const category = complete('focus: [gravity, coll|]').find((item) => item.label === 'collision');
    assert.deepEqual(edit(category), { range: { start: { line: 1, character: 17 }, end: { line: 1, character: 21 } }, newText: 'collision' });
  });

  it('quotes video paths that YAML would misread and wraps list values typed straight after the key', () => {
    assert.equal(edit(complete('pin: [|]')[1]).newText, '"clips/two words.mov"');
    assert.equal(edit(complete('focus: |')[0]).newText, '[gravity]');
    assert.equal(edit(complete('mode:|')[0]).newText, ' reward');
  });

  it('documents each item from the schema', () => {
    const gravity = complete('focus: [|]')[0]!;
    assert.deepEqual(gravity.documentation, { kind: 'markdown', value: FOCUS_CATEGORIES.gravity });
    const fps = complete('video:\n  |').find((item) => item.label === 'fps')!;
    assert.equal(fps.detail, 'number > 0, ≤ 120');
  });

  it('offers nothing in the Markdown body', () => {
    const text = at('id: p').text;
    assert.deepEqual(promptCompletions(text, { line: 4, character: 3 }, VIDEOS), []);
  });
});

describe('prompt file hovers', () => {
  const { text } = at('id: p\nversion: 1\nmode: critic\nfocus: [gravity, lighting]\nvideo: { fps: 16 }|');
  const hoverAt = (line: number, character: number) => promptHover(text, { line, character });
  const table: Array<[string, number, number, RegExp | null, [number, number] | null]> = [
    ['a top-level key', 1, 1, /^\*\*id\*\* \(required\): text/, [0, 2]],
    ['version', 2, 3, /Bump it whenever the text or settings change/, [0, 7]],
    ['an enum value', 3, 8, /^\*\*critic\*\*: A generated critique/, [6, 12]],
    ['a category', 4, 10, /^\*\*gravity\*\* \(focus category\): Objects fall/, [8, 15]],
    ['a category of the other list', 4, 20, null, null],
    ['a nested key', 5, 10, /^\*\*video\.fps\*\*: number > 0/, [9, 12]],
    ['a variable in the text', 8, 9, /^\*\*\{\{focus\}\}\*\*.*\n\nHere: "gravity, lighting"$/s, [6, 15]],
    ['a section heading', 9, 3, /^\*\*## user\*\*: The user turn/, [0, 7]],
    ['plain text', 10, 2, null, null],
  ];
  for (const [what, line, character, markdown, span] of table) {
    it(`explains ${what}`, () => {
      const hover = hoverAt(line, character);
      if (!markdown) return assert.equal(hover, null);
      assert.match((hover?.contents as { value: string }).value, markdown);
      assert.deepEqual(hover?.range, { start: { line, character: span![0] }, end: { line, character: span![1] } });
    });
  }
});

describe('prompt file code lens and code actions', () => {
  it('counts the pinned videos on the first line', () => {
    const lens = pinnedVideosLens('file:///w/p.prompt.md', at('id: p\npin: [a.mp4, b.mp4]|').text);
    assert.deepEqual(lens, {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } },
      command: { title: 'Run on 2 pinned videos', command: 'cosmosCritic.runPromptOnPins', arguments: ['file:///w/p.prompt.md'] },
    });
    assert.equal(pinnedVideosLens('u', at('id: p\npin:\n  - a.mp4|').text).command?.title, 'Run on 1 pinned video');
    assert.equal(pinnedVideosLens('u', at('id: p|').text).command?.title, 'Pin videos to run this prompt live');
  });

  const uri = 'file:///w/p.prompt.md';
  const { text } = at('id: p\nversion: 7\nmode: critc|');
  const diagnostic = (code: string, line: number, start: number, end: number, data: object): Diagnostic => ({
    code,
    message: code,
    range: { start: { line, character: start }, end: { line, character: end } },
    data,
  });

  it('bumps the version for a changed text, as a preferred quick fix', () => {
    const changed = diagnostic('text-changed', 2, 9, 10, { path: ['version'] });
    const [action] = promptCodeActions(uri, text, changed.range, [changed]);
    assert.deepEqual(action, {
      title: 'Bump version to 8',
      kind: 'quickfix',
      diagnostics: [changed],
      isPreferred: true,
      edit: { changes: { [uri]: [{ range: changed.range, newText: '8' }] } },
    });
  });

  it('offers the suggested name for a "did you mean" diagnostic', () => {
    const mode = diagnostic('invalid-value', 3, 6, 11, { path: ['mode'], replacement: 'critic' });
    const actions = promptCodeActions(uri, text, mode.range, [mode]);
    assert.deepEqual(actions.map((a) => [a.title, a.edit?.changes?.[uri]?.[0]?.newText]), [['Change to "critic"', 'critic']]);
  });

  it('offers the bump on the version line without a diagnostic, as a rewrite', () => {
    const range = { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } };
    assert.deepEqual(promptCodeActions(uri, text, range, []).map((a) => [a.title, a.kind]), [['Bump version to 8', 'refactor.rewrite']]);
    assert.deepEqual(promptCodeActions(uri, text, { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, []), []);
  });
});
