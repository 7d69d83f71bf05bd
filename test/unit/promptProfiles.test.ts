import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePromptFile } from '../../src/promptfile/promptFile';
import { keySpec } from '../../src/promptfile/promptSchema';
import { validatePromptFile } from '../../src/promptfile/validatePromptFile';

const env = { exists: () => false, recordedHashes: () => [] };
const file = (front: string) => `---\nid: p\nversion: 1\n${front}\n---\n## system\nYou are a helpful assistant.\n## user\nAny anomalies?\n`;
const problems = (front: string) => validatePromptFile(file(front), env).map((d) => [d.code, d.severity, d.message]);

describe('prompt files and model profiles', () => {
  it('reads profile and answer, defaulting to a critique for any profile', () => {
    const p = parsePromptFile(file('profile: reason2\nanswer: timeline'), null);
    assert.deepEqual([p.profile, p.answer], ['reason2', 'timeline']);
    const q = parsePromptFile(file('mode: critic'), null);
    assert.deepEqual([q.profile, q.answer], [null, 'critique']);
  });

  it('rejects unknown profiles and answer kinds with the choices', () => {
    assert.deepEqual(problems('profile: reason3').map((p) => p[0]), ['invalid-value']);
    assert.match(String(problems('profile: reason3')[0]![2]), /"profile" must be "reason1" or "reason1-reward" or "reason2" or "cosmos3-reasoner", not "reason3"/);
    assert.match(String(problems('answer: json')[0]![2]), /"answer" must be "critique" or "timeline" or "score"/);
  });

  it('warns about settings that do not apply to the profile, saying why', () => {
    assert.deepEqual(problems('profile: reason2\nvideo: { sampling: reward }').map((p) => [p[0], p[1]]), [['profile-mismatch', 'warning']]);
    assert.match(String(problems('profile: reason2\nmode: reward')[0]![2]), /"mode: reward" does not apply to profile "reason2" \(only reason1-reward\): the reward score is Cosmos-Reason1-7B-Reward's/);
    assert.match(String(problems('profile: reason1\nanswer: score')[0]![2]), /"answer: score" does not apply to profile "reason1" \(only reason2, cosmos3-reasoner\)/);
    assert.deepEqual(problems('profile: cosmos3-reasoner\nanswer: timeline'), []);
    assert.deepEqual(problems('profile: reason1-reward\nmode: reward\nvideo: { sampling: reward }'), []);
    // Without a profile nothing is assumed.
    assert.deepEqual(problems('answer: score'), []);
  });

  it('catches a pixel budget written in the other family\'s tokens', () => {
    assert.deepEqual(problems('profile: reason2\nvideo: { total_pixels: 6422528 }').map((p) => p[2]), [
      '"video.total_pixels" is 8192·28² pixels, a budget in 28-px tokens; profile "reason2" has 32-px tokens (16-px patches, merge 2): 8192 tokens are 8388608.',
    ]);
    assert.match(String(problems('profile: reason1\nvideo: { total_pixels: 8388608 }')[0]![2]), /8192·32² pixels.*8192 tokens are 6422528/);
    assert.deepEqual(problems('profile: reason2\nvideo: { total_pixels: 8388608 }'), []);
    assert.deepEqual(problems('profile: reason1\nvideo: { total_pixels: 6422528 }'), []);
    // Not a round token count in either: nothing to say.
    assert.deepEqual(problems('profile: reason2\nvideo: { max_pixels: 500000 }'), []);
  });

  it('documents the keys for hovers and completion', () => {
    assert.equal(keySpec(['profile'])?.value.kind, 'enum');
    assert.match(keySpec(['answer'])!.doc, /timeline/);
  });
});
