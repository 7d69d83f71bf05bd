import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPromptHeader } from '../../src/extension/promptHeader';

describe('player: prompt files in the quick pick', () => {
  it('reads id, version, mode and domain from the front matter', () => {
    const text = '---\nid: physics-critic\nversion: 3   # bump on edits\nmode: critic\ndomain: "robotics"\nfocus: [gravity]\n---\n## system\nx\n## user\ny\n';
    assert.deepEqual(readPromptHeader(text), { id: 'physics-critic', version: '3', mode: 'critic', domain: 'robotics' });
  });

  it('reads the shipped prompts', () => {
    const dir = join(__dirname, '..', '..', 'prompts');
    assert.equal(readPromptHeader(readFileSync(join(dir, 'reward.prompt.md'), 'utf8')).mode, 'reward');
    assert.equal(readPromptHeader(readFileSync(join(dir, 'critic-detailed.prompt.md'), 'utf8')).id, 'critic-detailed');
  });

  it('takes a prompt without a mode for a critic prompt, and an unknown mode for none', () => {
    assert.equal(readPromptHeader('---\nid: a\n---\n').mode, 'critic');
    assert.equal(readPromptHeader('---\r\nid: a\r\nmode: judge\r\n---\r\n').mode, null);
    assert.deepEqual(readPromptHeader('no front matter'), { id: null, version: null, mode: null, domain: null });
  });
});
