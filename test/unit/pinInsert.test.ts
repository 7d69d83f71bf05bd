import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { applyTextEdit, pinInsertion, yamlScalar } from '../../src/extension/prompts/pinInsert';

function pinned(text: string, pin: string): string {
  const insertion = pinInsertion(text, pin);
  assert.equal(insertion.kind, 'edit', JSON.stringify(insertion));
  return applyTextEdit(text, (insertion as Extract<typeof insertion, { kind: 'edit' }>).edit);
}

function pinsOf(text: string): unknown {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n?---/.exec(text);
  return (parseYaml(match![1]!) as { pin?: unknown }).pin;
}

const BODY = '## system\nYou judge videos.\n\n## user\nIs it plausible?\n';

describe('pinInsertion', () => {
  it('creates the key at the end of the front matter, keeping everything else', () => {
    const text = `---\nid: physics\nversion: 3   # bump me\n---\n${BODY}`;
    const out = pinned(text, 'videos/ball.mp4');
    assert.equal(out, `---\nid: physics\nversion: 3   # bump me\npin: [videos/ball.mp4]\n---\n${BODY}`);
  });

  it('appends to a flow list after its last item, keeping a comment after it', () => {
    const out = pinned('---\nid: x\npin: [a.mp4, b.mp4]  # live\nmode: critic\n---\n', 'c/d.mp4');
    assert.equal(out, '---\nid: x\npin: [a.mp4, b.mp4, c/d.mp4]  # live\nmode: critic\n---\n');
    assert.equal(pinned('---\nid: x\npin: []\n---\n', 'a.mp4'), '---\nid: x\npin: [a.mp4]\n---\n');
    assert.deepEqual(pinsOf(pinned('---\npin: [\n  a.mp4,\n  b.mp4\n]\n---\n', 'c.mp4')), ['a.mp4', 'b.mp4', 'c.mp4']);
  });

  it('adds a line to a block list in its indentation and line endings', () => {
    assert.equal(
      pinned('---\nid: x\npin:\n  - a.mp4\n  - b.mp4 # slow\nversion: 2\n---\n', 'c.mp4'),
      '---\nid: x\npin:\n  - a.mp4\n  - b.mp4 # slow\n  - c.mp4\nversion: 2\n---\n',
    );
    assert.equal(pinned('---\r\npin:\r\n- a.mp4\r\n---\r\n', 'b.mp4'), '---\r\npin:\r\n- a.mp4\r\n- b.mp4\r\n---\r\n');
  });

  it('fills an empty key, and turns a single path into a list', () => {
    assert.equal(pinned('---\nid: x\npin:\n---\n', 'a.mp4'), '---\nid: x\npin: [a.mp4]\n---\n');
    assert.equal(pinned('---\npin:   # soon\nid: x\n---\n', 'a.mp4'), '---\npin: [a.mp4]   # soon\nid: x\n---\n');
    assert.equal(pinned('---\npin: ~\n---\n', 'a.mp4'), '---\npin: [a.mp4]\n---\n');
    assert.equal(pinned('---\npin: "a b.mp4"\n---\n', 'c.mp4'), '---\npin: ["a b.mp4", c.mp4]\n---\n');
  });

  it('creates front matter when there is none, after a BOM', () => {
    assert.equal(pinned(BODY, 'a.mp4'), `---\npin: [a.mp4]\n---\n${BODY}`);
    assert.equal(pinned(`\uFEFF${BODY}`, 'a.mp4'), `\uFEFF---\npin: [a.mp4]\n---\n${BODY}`);
    assert.equal(pinned('---\n---\n', 'a.mp4'), '---\npin: [a.mp4]\n---\n');
  });

  it('quotes paths YAML would read otherwise, and they read back as written', () => {
    for (const pin of ['clips/new clip, take 2.mp4', 'clips/[draft].mp4', 'a: b.mp4', '#1.mp4', "it's.mp4", 'vidéos/balle.mp4', 'true', '123']) {
      assert.deepEqual(pinsOf(pinned('---\nid: x\npin: [a.mp4]\n---\n', pin)), ['a.mp4', pin], pin);
      assert.deepEqual(pinsOf(pinned('---\nid: x\npin:\n  - a.mp4\n---\n', pin)), ['a.mp4', pin], pin);
      assert.deepEqual(pinsOf(pinned('---\nid: x\n---\n', pin)), [pin], pin);
    }
    assert.equal(yamlScalar('videos/ball.mp4'), 'videos/ball.mp4');
    assert.equal(yamlScalar('a, b.mp4'), '"a, b.mp4"');
  });

  it('says when the video is pinned already (./ and \\ are the same path)', () => {
    assert.deepEqual(pinInsertion('---\npin: [videos/a.mp4]\n---\n', 'videos/a.mp4'), { kind: 'already' });
    assert.deepEqual(pinInsertion('---\npin:\n  - ./videos/a.mp4\n---\n', 'videos/a.mp4'), { kind: 'already' });
    assert.deepEqual(pinInsertion('---\npin: videos\\a.mp4\n---\n', 'videos/a.mp4'), { kind: 'already' });
  });

  it('refuses front matter it cannot edit safely', () => {
    assert.equal(pinInsertion('---\nid: x\n', 'a.mp4').kind, 'error');
    assert.equal(pinInsertion('---\n- a\n- b\n---\n', 'a.mp4').kind, 'error');
    assert.equal(pinInsertion('---\npin: { a: 1 }\n---\n', 'a.mp4').kind, 'error');
    assert.equal(pinInsertion('---\nid: [unclosed\n---\n', 'a.mp4').kind, 'error');
  });
});
