// Critique Video with a Cosmos-Reason2 server, as a user reaches it: the workspace points Cosmos Critic at a vLLM
// server of nvidia/Cosmos-Reason2-8B (a loopback fake with vLLM's request rules and its reasoning parser) and runs the
// shipped temporal-localisation prompt; its JSON events, with mm:ss.ff times, become ranges on the player's timeline.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { startFakeServer, type FakeServer } from '../fixtures/fakeVisionServers';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { player } from './workbench/selectors';
import { startWorkbench, type WorkbenchDriver } from './workbench/workbench';

const MODEL = 'nvidia/Cosmos-Reason2-8B';
/** What the model answers: one range inside the 3 s clip, one running past its end (clamped to 3 s and flagged). */
const EVENTS = [
  { start: '00:00.50', end: '00:01.50', caption: 'The ball floats upward against gravity.' },
  { start: '00:02.00', end: '00:09.00', caption: 'The arm passes through the table.' },
];
const EXPECTED = [
  { start: 0.5, end: 1.5, category: 'gravity' },
  { start: 2, end: 3, category: 'collision' },
];

const ui = {
  jobStatus: '#job-status',
  marker: '#violation-timeline .violation-marker',
  trialAnswer: '#trial-answers li.trial-answer',
} as const;

interface Marker {
  start: number;
  end: number;
  category: string;
  point: boolean;
}

function markers(frame: Frame): Promise<Marker[]> {
  return frame.evaluate(
    (selector) =>
      Array.from(document.querySelectorAll<HTMLElement>(selector), (m) => ({
        start: Number(m.dataset.start),
        end: Number(m.dataset.end),
        category: m.dataset.category ?? '',
        point: m.classList.contains('point'),
      })),
    ui.marker,
  );
}

describe('a Reason 2 temporal-localisation critique as ranges on the timeline (real workbench)', () => {
  let wb: WorkbenchDriver | undefined;
  let server: FakeServer | undefined;

  before(
    async () => {
      ensureVideoFixtures(['h264Mp4']);
      server = await startFakeServer({
        kind: 'vllm',
        modelId: MODEL,
        reasoningParser: true,
        script: () => ({ thinking: 'I follow the ball and the arm frame by frame.', answer: '```json\n' + JSON.stringify(EVENTS, null, 2) + '\n```' }),
      });
      wb = await startWorkbench({
        name: 'reason2-timeline',
        files: { 'h264.mp4': videoPath('h264Mp4') },
        // No served-model name and no profile: both come from the server's /v1/models.
        settings: { 'cosmosCritic.backend': 'openai', 'cosmosCritic.endpoints': [server.url], 'cosmosCritic.defaultPrompt': 'reason2-timeline' },
      });
    },
    { timeout: 15 * 60_000 },
  );

  after(async () => {
    await wb?.close();
    await server?.close();
  });

  it('right-click h264.mp4 → Critique Video marks each event from its start to its end', { timeout: 180_000 }, async () => {
    assert.ok(wb && server);
    const w = wb;
    await w.rightClick('h264.mp4');
    await w.clickMenuItem('Critique Video');
    const frame = await w.webviewFrame(player.videoOf('/h264.mp4'), { timeoutMs: 45_000 });
    const status = await w.waitFor(
      'the critique to finish',
      () => frame.evaluate((s) => document.querySelector<HTMLElement>(s)?.dataset.status ?? null, ui.jobStatus),
      (s) => s === 'done' || s === 'failed' || s === 'cancelled',
      { timeoutMs: 90_000 },
    );
    assert.equal(status, 'done');

    await w.step('checking the request the Reason 2 server got', async () => {
      const { body, video } = server!.requests[0]!;
      assert.equal(body.model, MODEL);
      assert.equal(video?.kind, 'jpeg-frames');
      assert.equal((body.media_io_kwargs as { video: { fps: number } }).video.fps, 25);
      assert.ok(video!.frames!.every((f) => f.width % 32 === 0 && f.height % 32 === 0));
    });

    const shown = await w.waitFor(`${EXPECTED.length} range markers`, () => markers(frame), (m) => m.length === EXPECTED.length);
    await w.screenshot('reason2-timeline-markers');
    await w.step('checking the ranges against the model\'s events (the second clamped to the clip)', async () => {
      const sorted = [...shown].sort((a, b) => a.start - b.start);
      EXPECTED.forEach((e, i) => {
        assert.deepEqual({ start: sorted[i]!.start, end: sorted[i]!.end, category: sorted[i]!.category }, e);
        assert.equal(sorted[i]!.point, false);
      });
      const answers = await frame.evaluate((s) => Array.from(document.querySelectorAll<HTMLElement>(s), (li) => li.dataset.answer ?? ''), ui.trialAnswer);
      assert.deepEqual(answers, ['Yes']);
    });
  });
});
