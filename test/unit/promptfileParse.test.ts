import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePromptFile, PromptFileError, renderTemplate } from '../../src/promptfile/promptFile';
import { promptHash } from '../../src/promptfile/promptHash';
import { versionBump } from '../../src/promptfile/versionBump';

const prompt = (front: string, body = '## system\nCheck {{focus}}; ignore {{ignore}} in {{domain}}.\n## user\nAny anomalies?\n') => `---\n${front}\n---\n${body}`;

describe('parsePromptFile', () => {
  it('reads the settings the engine uses and fills in the variables', () => {
    const text = prompt(
      'id: p\nversion: "2.1"\nmode: critic\ndomain: robotics\nfocus: [gravity, object_interaction]\nignore: [audio]\n' +
        'video: { nframes: 8, max_pixels: 50176 }\ngeneration: { temperature: 0.6, seed: 3 }\ntrials: 2\npin: [a.mp4]',
    );
    const parsed = parsePromptFile(text, '/prompts/p.prompt.md');
    assert.equal(parsed.version, '2.1');
    assert.deepEqual(parsed.video, { rule: 'fps', nframes: 8, max_pixels: 50176 });
    assert.deepEqual(parsed.generation, { temperature: 0.6, seed: 3 });
    assert.equal(parsed.trials, 2);
    assert.deepEqual(parsed.pin, ['a.mp4']);
    assert.equal(parsed.system, 'Check gravity, object interaction; ignore audio in robotics.');
    assert.equal(parsed.user, 'Any anomalies?');
    assert.equal(parsed.sha256, promptHash(text));
    assert.equal(parsed.path, '/prompts/p.prompt.md');
  });

  it('goes on past warnings such as an unknown key or category', () => {
    const parsed = parsePromptFile(prompt('id: p\nversion: 1\nfocus: [gravty]\ncolour: red'), null);
    assert.equal(parsed.mode, 'critic');
    assert.deepEqual(parsed.focus, ['gravty']);
  });

  it('refuses a file the engine cannot use with one line naming the file and the line', () => {
    const cases: Array<[string, RegExp]> = [
      ['## system\nS\n## user\nU\n', /^x\.prompt\.md: line 1: The file must start with a "---" line/],
      [prompt('id: p\nversion: 1\nmode: rewrd'), /^x\.prompt\.md: line 4: "mode" must be "reward" or "critic", not "rewrd"\.$/],
      [prompt('id: p\nversion: 1\nvideo: { fps: fast }'), /^x\.prompt\.md: line 4: "video\.fps" must be a number, not "fast"\.$/],
      [prompt('version: 1'), /^x\.prompt\.md: line 1: The front matter needs "id"/],
      [prompt('id: p\nversion: 1', '## system\nS\n'), /line 4: Missing the "## user" section/],
      [prompt('id: p\nversion: 1', '## system\nS {{foo}}\n## user\nU\n'), /line 6: Unknown variable \{\{foo\}\}/],
      [prompt('id: p\nversion: 1\nfocus: [a'), /line \d+: YAML: /],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parsePromptFile(text, 'x.prompt.md'),
        (err: unknown) => err instanceof PromptFileError && message.test(err.message) && !err.message.includes('\n'),
        message.source,
      );
    }
  });

  it('renderTemplate leaves unknown placeholders as they are', () => {
    assert.equal(renderTemplate('{{focus}} / {{ other }}', { focus: ['cause_and_effect'], ignore: [], domain: null }), 'cause and effect / {{ other }}');
  });
});

describe('versionBump', () => {
  const bumped = (front: string) => {
    const text = prompt(front);
    const bump = versionBump(text);
    if (!bump) return null;
    const lines = text.split('\n');
    const { start, end } = bump.range;
    assert.equal(start.line, end.line);
    const line = lines[start.line]!;
    lines[start.line] = line.slice(0, start.character) + bump.newText + line.slice(end.character);
    return { title: bump.title, version: bump.version, front: lines.slice(1, lines.indexOf('---', 1)).join('\n') };
  };

  it('raises whole numbers and the last number in a string, keeping the quotes', () => {
    assert.deepEqual(bumped('id: p\nversion: 3'), { title: 'Bump version to 4', version: 4, front: 'id: p\nversion: 4' });
    assert.deepEqual(bumped("id: p\nversion: '1.9'"), { title: 'Bump version to 1.10', version: '1.10', front: "id: p\nversion: '1.10'" });
    assert.deepEqual(bumped('id: p\nversion: v09 # latest'), { title: 'Bump version to v10', version: 'v10', front: 'id: p\nversion: v10 # latest' });
    assert.deepEqual(bumped('id: p\nversion: 1.5'), { title: 'Bump version to 2', version: 2, front: 'id: p\nversion: 2' });
    assert.equal(bumped('id: p\nversion: beta'), null);
    assert.equal(bumped('id: p\nversion: [1]'), null);
  });

  it('adds a version after the id when there is none, or fills an empty one', () => {
    assert.deepEqual(bumped('id: p\nmode: critic'), { title: 'Add version: 1', version: 1, front: 'id: p\nversion: 1\nmode: critic' });
    assert.deepEqual(bumped('id: p\nversion:'), { title: 'Set version to 1', version: 1, front: 'id: p\nversion: 1' });
  });
});
