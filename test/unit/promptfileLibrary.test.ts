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
      ['critic-brief', 'critic-detailed', 'fluid-dynamics', 'games', 'human-motion', 'medical-procedures', 'reason2-critic', 'reason2-plausibility', 'reason2-timeline', 'reward', 'robotics', 'synthetic-data'],
    );
  });

  for (const name of files) {
    it(`${name} validates without a diagnostic and parses, its id matching its file name`, () => {
      const text = read(name);
      assert.deepEqual(validatePromptFile(text, { exists: () => false, recordedHashes: () => [] }), []);
      const prompt = parsePromptFile(text, name);
      assert.equal(prompt.id, name.replace('.prompt.md', ''));
      // Reason 1 critic prompts went to version 2 when they gained the timestamp overlay; Reason 2 reads text timestamps.
      const overlaid = prompt.mode === 'critic' && prompt.profile !== 'reason2';
      assert.equal(prompt.version, overlaid ? 2 : 1);
      if (overlaid) {
        assert.equal(prompt.video.timestamps, 'overlay', 'prompts that ask for times show the model each frame\'s time');
        assert.match(prompt.user, /timestamp of each frame is embedded at the bottom of the video/);
      } else {
        assert.equal(prompt.video.timestamps, undefined);
      }
      assert.match(text, /^# The wording of this prompt is Cosmos Critic's own/m, 'the header says the wording is ours');
      // Reason 2 and Cosmos 3 take a plain system prompt: their instructions are in the user turn.
      assert.ok(prompt.profile === 'reason2' ? prompt.system === 'You are a helpful assistant.' && prompt.user.length > 300 : prompt.system.length > 100 && prompt.user.length > 0);
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

  for (const name of files.filter((file) => file !== 'reward.prompt.md' && !file.startsWith('reason2-'))) {
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

  it('gives Reason 2 prompts their profile, answer kind and the reasoning format of NVIDIA\'s scripts', () => {
    const kinds = Object.fromEntries(files.filter((f) => f.startsWith('reason2-')).map((name) => [name, parsePromptFile(read(name), null)]));
    assert.deepEqual(Object.values(kinds).map((p) => [p.id, p.profile, p.answer]), [
      ['reason2-critic', 'reason2', 'critique'],
      ['reason2-plausibility', 'reason2', 'score'],
      ['reason2-timeline', 'reason2', 'timeline'],
    ]);
    for (const prompt of Object.values(kinds)) {
      assert.match(prompt.user, /<think>\nYour reasoning\.\n<\/think>\n\nWrite your final answer immediately after the <\/think> tag/);
      assert.doesNotMatch(prompt.user, /<answer>/, 'Qwen3-style answers have no answer tags');
      assert.equal(prompt.video.total_pixels, 8192 * 32 * 32);
    }
    assert.match(kinds['reason2-timeline.prompt.md']!.user, /'mm:ss\.ff'.*'start', 'end' and 'caption'/s);
    // VideoPhy-2 protocol: 1–5 scale, fps 16, greedy.
    const score = kinds['reason2-plausibility.prompt.md']!;
    assert.deepEqual([score.video.fps, score.generation.temperature, score.trials], [16, 0, 1]);
    for (const level of ['1: no adherence', '3: moderate', '5: perfect adherence']) assert.ok(score.user.includes(level), level);
    assert.match(kinds['reason2-critic.prompt.md']!.user, /seconds/);
  });

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
