import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parseProfileAnswers } from '../../src/engine/critique/profileAnswers';
import { loadPrompt } from '../../src/engine/evaluate/shippedPrompts';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { planQwen3Sampling } from '../../src/engine/media/qwen3SamplingPlan';
import { MODEL_PROFILES } from '../../src/engine/profiles/modelProfile';
import { ProfileError } from '../../src/engine/profiles/resolveProfile';
import { RequestShapeError } from '../../src/engine/profiles/requestShape';
import { EndpointError, OpenAiClient } from '../../src/engine/remote/openaiClient';
import { evaluateVideoRemote } from '../../src/engine/remote/remoteEvaluate';
import { remoteEngine } from '../../src/engine/remote/remoteSetup';
import { detectServerKind } from '../../src/engine/remote/serverInfo';
import { startFakeServer, type FakeServer } from '../fixtures/fakeVisionServers';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';

const tools = locateFfmpeg();
const servers: FakeServer[] = [];
const fake = async (options: Parameters<typeof startFakeServer>[0]) => {
  const s = await startFakeServer(options);
  servers.push(s);
  return s;
};
const engine = (url: string, extra: Partial<Parameters<typeof remoteEngine>[0]> = {}) =>
  remoteEngine({ endpoints: [{ baseUrl: url, retries: 0, backoffMs: 5 }], profile: null, profileSource: 'flag', tools, ...extra });
const mmss = (s: number) => `${String(Math.floor(s / 60)).padStart(2, '0')}:${(s % 60).toFixed(2).padStart(5, '0')}`;

before(() => ensureVideoFixtures(['h264Mp4']));
after(async () => {
  for (const s of servers) await s.close();
});

describe('vLLM serving Cosmos-Reason2 (loopback fake with its request rules)', () => {
  it('timeline prompt, reasoning parser, streamed: frames with fps and indices for the loader, events on the timeline', async () => {
    const server = await fake({
      kind: 'vllm',
      modelId: 'nvidia/Cosmos-Reason2-8B',
      reasoningParser: true,
      // The model reads the processor's timestamps: it places the violation between the 2nd and 4th patch.
      script: (seen) => ({
        thinking: 'The ball rises at the start without anything pushing it.',
        answer: '```json\n' + JSON.stringify([{ start: mmss(seen.video!.patchTimes![1]!), end: mmss(seen.video!.patchTimes![3]!), caption: 'The ball floats upward against gravity.' }]) + '\n```',
      }),
    });
    const remote = await engine(server.url);
    assert.deepEqual([remote.server, remote.videoInput, remote.profile?.profile.id, remote.profile?.source], ['vllm', 'frames', 'reason2', 'model-name']);
    const streamed: string[] = [];
    const result = await evaluateVideoRemote(remote, videoPath('h264Mp4'), loadPrompt('reason2-timeline'), { onText: (_t, d) => streamed.push(d) });

    const { body, video } = server.requests[0]!;
    const plan = planQwen3Sampling({ frameCount: 75, fps: 25, width: 320, height: 240 }, MODEL_PROFILES.reason2.frames, { fps: 4, total_pixels: 8388608 });
    assert.equal(body.model, 'nvidia/Cosmos-Reason2-8B');
    assert.deepEqual(body.messages, [
      { role: 'system', content: [{ type: 'text', text: 'You are a helpful assistant.' }] },
      { role: 'user', content: [{ type: 'video_url', video_url: { url: (body.messages as any)[1].content[0].video_url.url } }, { type: 'text', text: loadPrompt('reason2-timeline').user }] },
    ]);
    assert.equal(video!.kind, 'jpeg-frames');
    assert.equal(video!.frames!.length, plan.frames);
    assert.ok(video!.frames!.every((f) => f.width === plan.width && f.height === plan.height && f.width % 32 === 0 && f.height % 32 === 0));
    assert.deepEqual(body.media_io_kwargs, { video: { fps: 25, frames_indices: plan.frame_indices, total_num_frames: 75, duration: 3 } });
    assert.deepEqual(body.mm_processor_kwargs, { do_sample_frames: false, size: { shortest_edge: plan.frames * plan.width * plan.height, longest_edge: plan.frames * plan.width * plan.height } });
    assert.deepEqual([body.temperature, body.top_k, body.top_p, body.repetition_penalty, body.seed, body.max_tokens, body.stream], [0.6, 20, 0.95, 1, 1234, 4096, true]);
    // The processor's timestamps are the frames' own times, patch by patch.
    video!.patchTimes!.forEach((t, i) => assert.ok(Math.abs(t - (plan.frame_times_s[2 * i]! + plan.frame_times_s[2 * i + 1]!) / 2) < 1e-9));

    assert.deepEqual([result.model.profile, result.model.profile_source, result.model.id], ['reason2', 'model-name', 'nvidia/Cosmos-Reason2-8B']);
    assert.equal(result.violations.length, 1);
    const v = result.violations[0]!;
    assert.equal(v.category, 'gravity');
    assert.ok(Math.abs(v.start_s! - video!.patchTimes![1]!) < 0.006 && Math.abs(v.end_s! - video!.patchTimes![3]!) < 0.006, `${v.start_s}–${v.end_s}`);
    assert.equal(result.critic!.trials[0]!.reasoning, 'The ball rises at the start without anything pushing it.');
    assert.equal(result.critic!.trials[0]!.answer, 'Yes');
    assert.equal(streamed.join(''), result.critic!.trials[0]!.raw, 'the stream reads as the stored answer');
    assert.deepEqual([result.sampling.width % 32, result.sampling.height % 32], [0, 0]);
  });

  it('plausibility prompt by file URL without a reasoning parser: the processor samples at fps 16 within the size', async () => {
    const server = await fake({ kind: 'vllm', modelId: 'nvidia/Cosmos-Reason2-2B', script: () => ({ thinking: 'Motion looks natural.', answer: '4' }) });
    const remote = await engine(server.url, { videoInput: 'url' });
    const result = await evaluateVideoRemote(remote, videoPath('h264Mp4'), loadPrompt('reason2-plausibility'));
    const { body, video } = server.requests[0]!;
    assert.equal(video!.kind, 'file-url');
    assert.deepEqual(video!.bytes, readFileSync(videoPath('h264Mp4')));
    assert.deepEqual(body.mm_processor_kwargs, { fps: 16, do_sample_frames: true, size: { shortest_edge: 131072, longest_edge: 8388608 } });
    assert.equal(body.media_io_kwargs, undefined);
    assert.equal(body.temperature, 0);
    assert.deepEqual(result.plausibility, { score: 0.75, raw_mean: 4, raw: [4] });
    assert.equal(result.critic!.score, 0.75);
    assert.equal(result.critic!.trials[0]!.reasoning, 'Motion looks natural.');
  });

  it('a parser that moved the whole answer into the reasoning field: the answer is read from there, and marked', async () => {
    const server = await fake({ kind: 'vllm', modelId: 'nvidia/Cosmos-Reason2-8B', reasoningParser: true, reasoningField: 'reasoning_content', script: () => ({ thinking: '', answer: 'No' }) });
    const result = await evaluateVideoRemote(await engine(server.url), videoPath('h264Mp4'), loadPrompt('reason2-critic'), { trials: 1 });
    const trial = result.critic!.trials[0]!;
    assert.deepEqual([trial.answer, trial.answer_from_reasoning], ['No', true]);
    assert.equal(result.critic!.score, 1);
  });

  it('non-streaming answers: the reasoning field or <think> in content, read the same', async () => {
    for (const reasoningParser of [true, false]) {
      const server = await fake({ kind: 'vllm', modelId: 'nvidia/Cosmos-Reason2-8B', reasoningParser, script: () => ({ thinking: 'A cup tips over at 1.5s and stays in the air.', answer: 'Yes' }) });
      const out = await new OpenAiClient({ baseUrl: server.url }).complete({ model: 'nvidia/Cosmos-Reason2-8B', messages: [{ role: 'user', content: 'x' }] });
      const message = out.choices[0]!.message;
      assert.equal(message.reasoning !== undefined, reasoningParser);
      const parsed = parseProfileAnswers([{ content: message.content ?? '', reasoning: message.reasoning ?? message.reasoning_content ?? null }], { kind: 'critique', reasoning: 'think-then-answer', durationS: 3 });
      assert.equal(parsed.critic.trials[0]!.answer, 'Yes');
      assert.deepEqual(parsed.violations.map((v) => v.start_s), [1.5]);
    }
  });

  it('a reward prompt against Reason 2 stops before any request, naming the reward model', async () => {
    const server = await fake({ kind: 'vllm', modelId: 'nvidia/Cosmos-Reason2-8B', script: () => ({ thinking: '', answer: 'No' }) });
    await assert.rejects(evaluateVideoRemote(await engine(server.url), videoPath('h264Mp4'), loadPrompt('reward')), (e: unknown) => e instanceof ProfileError && /Cosmos-Reason1-7B-Reward/.test(e.message));
    assert.equal(server.requests.length, 0);
  });
});

describe('the Cosmos 3 reasoner NIM (loopback fake with its request rules)', () => {
  it('is detected by /v1/metadata; the clip goes inline as video_url with fps in media_io_kwargs', async () => {
    const server = await fake({
      kind: 'nim',
      modelId: 'nvidia/cosmos3-nano-reasoner',
      reasoningField: 'reasoning_content',
      script: () => ({ thinking: 'Checking contacts.', answer: '[{"start": "00:01.00", "end": "00:09.50", "caption": "The hand passes through the box."}]' }),
    });
    assert.equal(await detectServerKind(server.url), 'nim');
    const remote = await engine(server.url);
    assert.deepEqual([remote.server, remote.videoInput, remote.profile?.profile.id], ['nim', 'file', 'cosmos3-reasoner']);
    const result = await evaluateVideoRemote(remote, videoPath('h264Mp4'), loadPrompt('reason2-timeline'));
    const { body, video } = server.requests[0]!;
    assert.equal(video!.kind, 'inline-file');
    assert.deepEqual(video!.bytes, readFileSync(videoPath('h264Mp4')));
    assert.match((body.messages as any)[1].content[0].video_url.url, /^data:video\/mp4;base64,/);
    assert.deepEqual(body.media_io_kwargs, { video: { fps: 4 } });
    assert.equal(body.mm_processor_kwargs, undefined);
    assert.equal(result.model.profile, 'cosmos3-reasoner');
    // 9.5 s is past the 3 s clip: clamped to its end and flagged, not dropped.
    assert.deepEqual(result.violations.map((v) => [v.start_s, v.end_s, v.time_issue, v.category]), [[1, 3, 'clamped', 'collision']]);
    assert.equal(result.critic!.trials[0]!.reasoning, 'Checking contacts.');
  });

  it('frame lists are refused here before upload, with what to use instead', async () => {
    const server = await fake({ kind: 'nim', modelId: 'nvidia/cosmos3-nano-reasoner', script: () => ({ thinking: '', answer: 'No' }) });
    const remote = await engine(server.url, { videoInput: 'frames' });
    await assert.rejects(evaluateVideoRemote(remote, videoPath('h264Mp4'), loadPrompt('reason2-critic')), (e: unknown) => e instanceof RequestShapeError && /--video-input file/.test(e.message));
    assert.equal(server.requests.length, 0);
  });
});

describe('faults with the newer servers', () => {
  it('a stream dropped during the thinking is an error, not a restart that would repeat it', async () => {
    const server = await fake({ kind: 'vllm', modelId: 'nvidia/Cosmos-Reason2-8B', reasoningParser: true, dropAfterChunks: 3, script: () => ({ thinking: 'The ball is dropped and then it', answer: 'Yes' }) });
    const remote = await engine(server.url);
    await assert.rejects(evaluateVideoRemote(remote, videoPath('h264Mp4'), loadPrompt('reason2-critic'), { trials: 1 }), (e: unknown) => e instanceof EndpointError && /dropped the stream after 14 characters/.test(e.message) && !e.retryable);
    assert.equal(server.requests.length, 1);
  });

  it('a frame list the loader rejects is a clear 400, not retried', async () => {
    const server = await fake({ kind: 'vllm', modelId: 'nvidia/Cosmos-Reason2-8B', script: () => ({ thinking: '', answer: 'No' }) });
    const client = new OpenAiClient({ baseUrl: server.url, retries: 3, backoffMs: 5 });
    const frame = execFileSync(tools.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x32', '-frames:v', '1', '-f', 'mjpeg', '-']).toString('base64');
    await assert.rejects(
      client.complete({ model: 'nvidia/Cosmos-Reason2-8B', messages: [{ role: 'user', content: [{ type: 'video_url', video_url: { url: `data:video/jpeg;base64,${frame}` } }] }], media_io_kwargs: { video: { fps: 25, frames_indices: [0, 1] } } }),
      (e: unknown) => e instanceof EndpointError && e.status === 400 && /refused the request .*frames_indices length \(2\) must match/.test(e.message),
    );
  });

  it('an unknown served model name is Reason 1 unless the profile is chosen', async () => {
    const server = await fake({ kind: 'vllm', modelId: 'my-finetune', reasoningParser: true, script: () => ({ thinking: 'fine', answer: 'No' }) });
    assert.equal((await engine(server.url)).profile, undefined);
    const forced = await engine(server.url, { profile: 'reason2' });
    const result = await evaluateVideoRemote(forced, videoPath('h264Mp4'), loadPrompt('reason2-critic'), { trials: 1 });
    assert.deepEqual([result.model.profile, result.model.profile_source, result.critic!.trials[0]!.answer], ['reason2', 'flag', 'No']);
  });
});
