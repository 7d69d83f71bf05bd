import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parsePromptFile } from '../../src/promptfile/promptFile';
import { IGNORE_CATEGORIES } from '../../src/promptfile/promptSchema';
import { validatePromptFile } from '../../src/promptfile/validatePromptFile';

const LIBRARY = resolve(__dirname, '..', '..', 'prompts');
const files = readdirSync(LIBRARY).filter((name) => name.endsWith('.prompt.md')).sort();
const read = (name: string) => readFileSync(join(LIBRARY, name), 'utf8');
const NVIDIA_CRITIC = { temperature: 0.6, top_k: 50, top_p: 0.95, repetition_penalty: 1.05, seed: 1 };

describe('the shipped prompt library', () => {
  it('holds the general prompts and one per domain', () => {
    assert.deepEqual(
      files.map((name) => name.replace('.prompt.md', '')),
      ['critic-brief', 'critic-detailed', 'fluid-dynamics', 'games', 'human-motion', 'medical-procedures', 'reward', 'robotics', 'synthetic-data'],
    );
  });

  for (const name of files) {
    it(`${name} validates without a diagnostic and parses, its id matching its file name`, () => {
      const text = read(name);
      assert.deepEqual(validatePromptFile(text, { exists: () => false, recordedHashes: () => [] }), []);
      const prompt = parsePromptFile(text, name);
      assert.equal(prompt.id, name.replace('.prompt.md', ''));
      // Critic prompts went to version 2 when they gained the timestamp overlay.
      assert.equal(prompt.version, prompt.mode === 'critic' ? 2 : 1);
      if (prompt.mode === 'critic') {
        assert.equal(prompt.video.timestamps, 'overlay', 'prompts that ask for times show the model each frame\'s time');
        assert.match(prompt.user, /timestamp of each frame is embedded at the bottom of the video/);
      }
      assert.match(text, /^# The wording of this prompt is Cosmos Critic's own/m, 'the header says the wording is ours');
      assert.ok(prompt.system.length > 100 && prompt.user.length > 0);
      assert.doesNotMatch(prompt.system + prompt.user, /\{\{/, 'every variable is filled in');
      assert.deepEqual(prompt.ignore, Object.keys(IGNORE_CATEGORIES), 'all non-physical categories are ignored');
    });
  }

  it('keeps the reward prompt as the reward model was trained: reward sampling, one word answer', () => {
    const reward = parsePromptFile(read('reward.prompt.md'), null);
    assert.equal(reward.mode, 'reward');
    assert.deepEqual(reward.video, { rule: 'reward' });
    assert.match(reward.system, /Begin your response with a single word: "Yes" or "No"\./);
    assert.equal(reward.user, 'Does the video contain any anomalies or artifacts?');
  });

  it("keeps critic-detailed on NVIDIA's video-critic settings", () => {
    const critic = parsePromptFile(read('critic-detailed.prompt.md'), null);
    assert.deepEqual(critic.video, { rule: 'fps', fps: 16, total_pixels: 8192 * 28 * 28, timestamps: 'overlay' });
    assert.deepEqual(critic.generation, { ...NVIDIA_CRITIC, max_new_tokens: 4096 });
    assert.equal(critic.trials, 4);
  });

  it('critic-brief asks for fewer tokens and shares critic-detailed frames', () => {
    const brief = parsePromptFile(read('critic-brief.prompt.md'), null);
    const detailed = parsePromptFile(read('critic-detailed.prompt.md'), null);
    assert.deepEqual(brief.video, detailed.video);
    assert.ok(brief.generation.max_new_tokens! < detailed.generation.max_new_tokens!);
  });

  for (const name of files.filter((file) => file !== 'reward.prompt.md')) {
    it(`${name} asks for NVIDIA's component format with times in seconds`, () => {
      const prompt = parsePromptFile(read(name), null);
      assert.equal(prompt.mode, 'critic');
      for (const tag of ['<think>', '<overview>', '<component name=', '<analysis>', '<anomaly>Yes or No</anomaly>', '</think>', '<answer>']) {
        assert.ok(prompt.system.includes(tag), `${name} lacks ${tag}`);
      }
      assert.match(prompt.system, /seconds/);
      assert.match(prompt.system, /lighting/i, 'says in its text what it ignores');
      assert.equal(prompt.user, 'The timestamp of each frame is embedded at the bottom of the video.\nDoes the video contain any anomalies or artifacts?');
      assert.equal(prompt.trials, 4);
      assert.deepEqual({ ...prompt.generation, max_new_tokens: undefined }, { ...NVIDIA_CRITIC, max_new_tokens: undefined });
    });
  }

  it('domain prompts name their domain and focus', () => {
    const domains = Object.fromEntries(files.map((name) => [name.replace('.prompt.md', ''), parsePromptFile(read(name), null)]));
    assert.equal(domains.robotics?.domain, 'robotics');
    assert.match(domains.robotics!.system, /grasp/i);
    assert.match(domains['medical-procedures']!.system, /instrument/i);
    assert.match(domains['synthetic-data']!.system, /simulat/i);
    assert.match(domains.games!.system, /character/i);
    assert.equal(domains['fluid-dynamics']?.focus[0], 'fluid_dynamics');
    assert.equal(domains['human-motion']?.focus[0], 'human_motion');
  });
});
