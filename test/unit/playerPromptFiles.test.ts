import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readPromptHeader } from '../../src/extension/promptHeader';
import { resultFileName } from '../../src/extension/resultFileName';

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

describe('player: result file names', () => {
  it('are <video>.<prompt id>-v<version>.result.json, as the CLI writes them', () => {
    const name = resultFileName({
      video: { path: '/data/robot arm – grasp 1.mp4', sha256: '', duration_s: 1, width: 1, height: 1, fps: 1 },
      prompt: { id: 'critic-detailed', version: 2, sha256: '', path: null },
    });
    assert.equal(name, 'robot arm – grasp 1.critic-detailed-v2.result.json');
  });

  it('cannot be steered out of the results folder by a prompt id', () => {
    const name = resultFileName({
      video: { path: '/data/a.mov', sha256: '', duration_s: 1, width: 1, height: 1, fps: 1 },
      prompt: { id: '../../etc/x', version: '1:2', sha256: '', path: null },
    });
    assert.equal(name, 'a..._.._etc_x-v1_2.result.json');
    assert.equal(basename(name), name);
  });
});
