import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planFpsSampling } from '../../src/engine/media/samplingPlan';
import { planQwen3Sampling, pythonFixed1, qwen3PatchTimestamps, qwen3ProcessorSize, qwen3TimestampText } from '../../src/engine/media/qwen3SamplingPlan';
import { MODEL_PROFILES } from '../../src/engine/profiles/modelProfile';
import { checkPromptProfile, parseProfileChoice, profileFromModelName, ProfileError, resolveProfile } from '../../src/engine/profiles/resolveProfile';
import { RequestShapeError, videoMimeType, videoRequestFields } from '../../src/engine/profiles/requestShape';
import type { VideoMetadata } from '../../src/shared/video';

const R2 = MODEL_PROFILES.reason2;
const R1 = MODEL_PROFILES.reason1;
const C3 = MODEL_PROFILES['cosmos3-reasoner'];
const hd = { frameCount: 300, fps: 30, width: 1920, height: 1080 };

describe('profiles from served model names', () => {
  it('knows the names vLLM and the NIMs list in /v1/models', () => {
    assert.equal(profileFromModelName('nvidia/Cosmos-Reason1-7B'), 'reason1');
    assert.equal(profileFromModelName('nvidia/cosmos-reason1-7b'), 'reason1');
    assert.equal(profileFromModelName('nvidia/Cosmos-Reason1-7B-Reward'), 'reason1-reward');
    assert.equal(profileFromModelName('cosmos-reward'), 'reason1-reward');
    assert.equal(profileFromModelName('nvidia/Cosmos-Reason2-8B'), 'reason2');
    assert.equal(profileFromModelName('nvidia/cosmos-reason2-2b'), 'reason2');
    assert.equal(profileFromModelName('nvidia/Cosmos-Reason2-32B'), 'reason2');
    assert.equal(profileFromModelName('nvidia/cosmos3-nano-reasoner'), 'cosmos3-reasoner');
    // vLLM / TensorRT-LLM serving the unified checkpoint load only its reasoner.
    assert.equal(profileFromModelName('nvidia/Cosmos3-Nano'), 'cosmos3-reasoner');
    assert.equal(profileFromModelName('nvidia/Cosmos3-Super'), 'cosmos3-reasoner');
    assert.equal(profileFromModelName('nvidia/Cosmos-Predict2.5-2B'), null);
    assert.equal(profileFromModelName('nvidia/cosmos3-edge-reasoner'), 'cosmos3-reasoner');
    assert.equal(profileFromModelName('my-finetune'), null);
    assert.equal(profileFromModelName('nvidia/Cosmos-Reason12'), null);
  });

  it('an explicit choice wins; an unknown name falls back to Reason 1 (the reward model for reward prompts)', () => {
    assert.deepEqual(resolveProfile({ id: 'reason2', source: 'flag' }, 'nvidia/Cosmos-Reason1-7B', 'critic'), { profile: R2, source: 'flag' });
    assert.deepEqual(resolveProfile({ id: null, source: 'setting' }, 'nvidia/Cosmos-Reason2-2B', 'critic'), { profile: R2, source: 'model-name' });
    assert.equal(resolveProfile({ id: null, source: 'flag' }, 'tiny', 'critic').profile.id, 'reason1');
    assert.equal(resolveProfile({ id: null, source: 'flag' }, 'tiny', 'reward').profile.id, 'reason1-reward');
    assert.equal(resolveProfile({ id: null, source: 'flag' }, 'tiny', 'reward').source, 'default');
  });

  it('rejects a profile value that is not one, naming the choices', () => {
    assert.equal(parseProfileChoice('auto', '--profile'), null);
    assert.equal(parseProfileChoice(' reason2 ', '--profile'), 'reason2');
    assert.throws(() => parseProfileChoice('reason3', '--profile'), /--profile "reason3" is not a model profile: use one of reason1, reason1-reward, reason2, cosmos3-reasoner/);
  });

  it('stops a reward prompt on a model without the reward head, and a Reason 2 prompt on Reason 1', () => {
    assert.throws(() => checkPromptProfile(null, { profile: R2, source: 'model-name' }, 'p.prompt.md', 'reward'), (e: unknown) => e instanceof ProfileError && /Cosmos-Reason1-7B-Reward/.test(e.message));
    assert.throws(() => checkPromptProfile('reason2', { profile: R1, source: 'model-name' }, 'x.prompt.md', 'critic'), /x\.prompt\.md is written for .*profile: reason2.*the server serves .*reason1/);
    // A Reason 1 name may be the reward model served under its base name: the same request shape, allowed.
    checkPromptProfile(null, { profile: R1, source: 'model-name' }, 'reward.prompt.md', 'reward');
    // Forced on purpose, or the same family: allowed.
    checkPromptProfile('reason2', { profile: R1, source: 'flag' }, 'x.prompt.md', 'critic');
    checkPromptProfile('reason2', { profile: C3, source: 'model-name' }, 'x.prompt.md', 'critic');
  });
});

describe('Qwen3-VL frame plan (qwen-vl-utils, image_patch_size 16)', () => {
  it('plans 1080p in multiples of 32 within 768·32² per frame', () => {
    const plan = planQwen3Sampling(hd, R2.frames, { fps: 4 });
    assert.equal(plan.frames, 40);
    assert.deepEqual([plan.width, plan.height], [1152, 640]);
    assert.equal(plan.max_pixels, 768 * 32 * 32);
    assert.equal(plan.min_pixels, 128 * 32 * 32);
    assert.equal(plan.frame_indices[1], 8); // torch.linspace(0, 299, 40)[1] = 7.67 → 8
    // The same clip under Reason 1's rules: multiples of 28.
    const r1 = planFpsSampling(hd, { fps: 4 });
    assert.deepEqual([r1.width, r1.height], [1008, 560]);
  });

  it('shares a total budget over the frames (NVIDIA\'s 8192·32² for Reason 2)', () => {
    const plan = planQwen3Sampling(hd, R2.frames, { fps: 4, total_pixels: 8388608 });
    assert.deepEqual([plan.width, plan.height], [832, 480]);
    assert.ok(plan.width * plan.height * plan.frames <= 8388608 * 2);
  });

  it('defaults to the profile\'s rate and refuses the reward rule', () => {
    assert.equal(planQwen3Sampling(hd, R2.frames, {}).frames, 40);
    assert.equal(planQwen3Sampling(hd, R2.frames, { nframes: 16 }).target_fps, null);
    assert.throws(() => planQwen3Sampling(hd, R2.frames, { rule: 'reward' }), /reward frame rule belongs to Cosmos-Reason1-7B-Reward/);
  });

  it('timestamps each temporal patch at the mean of its two frames, as the processor writes them', () => {
    // (0 + 8)/2/25, (17 + 25)/2/25, and an odd count padded with its last frame: (34 + 34)/2/25.
    const times = qwen3PatchTimestamps([0, 8, 17, 25, 34], 25);
    assert.equal(times.length, 3);
    [0.16, 0.84, 1.36].forEach((t, i) => assert.ok(Math.abs(times[i]! - t) < 1e-12, `${times[i]} vs ${t}`));
    assert.equal(qwen3TimestampText(0.16), '<0.2 seconds>');
    // Python's format rounds exact binary ties to even.
    assert.deepEqual([0.25, 0.75, 0.35, 1.25, 2.05].map(pythonFixed1), ['0.2', '0.8', '0.3', '1.2', '2.0']);
  });

  it('gives the processor its size as pixel volumes', () => {
    assert.deepEqual(qwen3ProcessorSize(R2.frames, {}), { shortest_edge: 131072, longest_edge: Math.trunc(128000 * 1024 * 0.9) });
    assert.deepEqual(qwen3ProcessorSize(R2.frames, { min_pixels: 4096, total_pixels: 8388608 }), { shortest_edge: 4096, longest_edge: 8388608 });
  });
});

describe('where each server reads the video options', () => {
  const video = { fps: 30, frame_count: 300, duration_s: 10 } as VideoMetadata;
  const plan = planQwen3Sampling(hd, R2.frames, { fps: 4 });
  const r1plan = planFpsSampling(hd, { fps: 4 });

  it('Reason 1 on vLLM: mm_processor_kwargs, with the sampled rate for frames and the target rate for a URL', () => {
    assert.deepEqual(videoRequestFields(R1, 'vllm', r1plan, video, { fps: 4, total_pixels: 100 }, 'frames'), { mm_processor_kwargs: { fps: r1plan.sample_fps, total_pixels: 100 } });
    assert.deepEqual(videoRequestFields(R1, 'vllm', r1plan, video, { fps: 4 }, 'url'), { mm_processor_kwargs: { fps: 4 } });
  });

  it('Reason 2 frames on vLLM: the source fps and frame indices for the loader, our size pinned, no resampling', () => {
    const fields = videoRequestFields(R2, 'vllm', plan, video, { fps: 4 }, 'frames');
    const volume = plan.frames * plan.width * plan.height;
    assert.deepEqual(fields, {
      media_io_kwargs: { video: { fps: 30, frames_indices: plan.frame_indices, total_num_frames: 300, duration: 10 } },
      mm_processor_kwargs: { do_sample_frames: false, size: { shortest_edge: volume, longest_edge: volume } },
    });
  });

  it('Reason 2 URL on vLLM: the processor samples at fps within the pixel volumes', () => {
    assert.deepEqual(videoRequestFields(R2, 'vllm', plan, video, { fps: 4, total_pixels: 8388608, max_frames: 64 }, 'url'), {
      mm_processor_kwargs: { fps: 4, do_sample_frames: true, size: { shortest_edge: 131072, longest_edge: 8388608 }, max_frames: 64 },
    });
    assert.deepEqual(videoRequestFields(R2, 'vllm', plan, video, { nframes: 16 }, 'file').mm_processor_kwargs!.num_frames, 16);
  });

  it('the Cosmos 3 NIM: media_io_kwargs.video.fps with a video, and a clear refusal of frame lists', () => {
    assert.deepEqual(videoRequestFields(C3, 'nim', plan, video, { fps: 4 }, 'file'), { media_io_kwargs: { video: { fps: 4 } } });
    assert.deepEqual(videoRequestFields(C3, 'nim', plan, video, { nframes: 8 }, 'url'), { media_io_kwargs: { video: { num_frames: 8 } } });
    assert.throws(() => videoRequestFields(C3, 'nim', plan, video, {}, 'frames'), (e: unknown) => e instanceof RequestShapeError && /--video-input file/.test(e.message));
  });

  it('names inline videos by their type', () => {
    assert.equal(videoMimeType('/a/b.MOV'), 'video/quicktime');
    assert.equal(videoMimeType('/a/b.webm'), 'video/webm');
    assert.equal(videoMimeType('/a/b'), 'video/mp4');
  });
});
