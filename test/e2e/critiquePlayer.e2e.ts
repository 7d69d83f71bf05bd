// Critique Video and Score Video, as a user reaches them: right-click a video in the Explorer of a real VS Code
// workbench, watch the critique stream into the player panel, then read the verdict and work the violations on the
// timeline. The critic is an OpenAI-compatible server on loopback serving recorded Cosmos Reason output
// (test/e2e/fixtures/), reached through the extension's `openai` backend exactly as a vLLM server would be.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { parsePromptFile } from '../../src/promptfile/promptFile';
import type { CriticVerdict, Violation } from '../../src/shared/result';
import type { VideoProbe } from '../../src/shared/video';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import {
  CRITIQUE_FIXTURE,
  readRecordedCritiques,
  readRecordedReward,
  startRecordedCriticServer,
  type PromptText,
  type RecordedCriticServer,
  type RecordedReward,
} from './fixtures/recordedCriticServer';
import { probeWithCli } from './workbench/cli';
import { cssString, player } from './workbench/selectors';
import { EXTENSION_ROOT, startWorkbench, type WorkbenchDriver } from './workbench/workbench';

const CRITIQUE = 'Critique Video';
const SCORE = 'Score Video';
const MODEL_NAME = 'cosmos-reason1-7b';
/** Allowed distance between a marker's edge (a range) or centre (a point) and time / duration of the track. */
const MARKER_TOLERANCE_PX = 2;
/** Allowed difference between a marker's time and the video's currentTime after clicking it. */
const SEEK_TOLERANCE_S = 0.1;
/** Where the recorded server pauses the first streamed trial until the test has seen it. */
const HELD_AFTER_CHARS = 320;

/** The critique parts of the player panel (webview/player/*.ts), by the ids and data attributes it promises. */
const ui = {
  video: '#video',
  proxyVideo: '#video[data-proxy="true"]',
  jobStatus: '#job-status',
  stream: '#critique-stream',
  streamTrial: '#critique-stream pre.trial-stream',
  verdict: '#verdict',
  criticScore: '#critic-score',
  trialAnswer: '#trial-answers li.trial-answer',
  markerTrack: '#violation-timeline .violation-track',
  marker: '#violation-timeline .violation-marker',
  pointMarker: '#violation-timeline .violation-marker.point',
  overlayLine: '#violation-overlay .overlay-line',
  violationItem: '#violation-list li.violation-item',
  frameThumb: '#frame-strip button.frame-thumb[data-time]',
  rewardScore: '#reward-score',
  rewardBand: '#reward-band[data-band]',
  rerun: '#actions #action-rerun',
} as const;

/** What `cosmos-critic parse` makes of the recorded critiques: what the panel must show. */
interface ParsedCritique {
  critic: CriticVerdict;
  violations: Violation[];
}

/** `cosmos-critic parse --pretty <answers>` from the built CLI, the twin of what the critic server does with the text. */
function parseWithCli(answers: string): ParsedCritique {
  const cli = join(EXTENSION_ROOT, 'dist', 'cli.js');
  const output = execFileSync(process.execPath, [cli, 'parse', '--pretty', answers], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(output) as ParsedCritique;
}

function shippedPrompt(name: string): PromptText {
  const file = join(EXTENSION_ROOT, 'prompts', `${name}.prompt.md`);
  const prompt = parsePromptFile(readFileSync(file, 'utf8'), file);
  return { system: prompt.system, user: prompt.user };
}

/** P(No) of the recorded reward token: sigmoid(lp(No) − lp(Yes)), the README's score. */
function recordedRewardScore(reward: RecordedReward): number {
  const lp = (token: string): number => {
    const found = reward.top_logprobs.find((t) => t.token === token);
    assert.ok(found, `the recorded reward has no "${token}" logprob`);
    return found.logprob;
  };
  return 1 / (1 + Math.exp(lp('Yes') - lp('No')));
}

/** "<category>: <description> at <t>s" (a range "at <start>s–<end>s"), times with at most two decimals. */
function markerLabel(violation: Violation): string {
  const time = (s: number): string => String(Number(s.toFixed(2)));
  const when = violation.start_s === violation.end_s ? `${time(violation.start_s!)}s` : `${time(violation.start_s!)}s–${time(violation.end_s!)}s`;
  return `${violation.category}: ${violation.description} at ${when}`;
}

interface JobState {
  status: string | null;
  line: string;
  /** The text of each trial in the streamed critique. */
  streams: string[];
  streamVisible: boolean;
}

function jobState(frame: Frame): Promise<JobState> {
  return frame.evaluate((s) => {
    const status = document.querySelector<HTMLElement>(s.jobStatus);
    const stream = document.querySelector<HTMLElement>(s.stream);
    return {
      status: status && !status.hidden ? status.dataset.status ?? null : null,
      line: status?.textContent?.trim() ?? '',
      streams: Array.from(document.querySelectorAll<HTMLElement>(s.streamTrial), (pre) => pre.textContent ?? ''),
      streamVisible: stream !== null && !stream.hidden,
    };
  }, ui);
}

interface VideoState {
  readyState: number;
  duration: number;
  currentTime: number;
  paused: boolean;
  ended: boolean;
  proxy: string | null;
  error: number | null;
}

function videoState(frame: Frame): Promise<VideoState> {
  return frame.locator(ui.video).evaluate((element) => {
    const video = element as HTMLVideoElement;
    return {
      readyState: video.readyState,
      duration: video.duration,
      currentTime: video.currentTime,
      paused: video.paused,
      ended: video.ended,
      proxy: video.getAttribute('data-proxy'),
      error: video.error?.code ?? null,
    };
  });
}

interface OverlayLine {
  category: string;
  text: string;
}

function overlayLines(frame: Frame): Promise<OverlayLine[]> {
  return frame.evaluate((selector) => {
    const lines = Array.from(document.querySelectorAll<HTMLElement>(selector));
    return lines
      .filter((line) => !line.closest<HTMLElement>('[hidden]'))
      .map((line) => ({ category: line.dataset.category ?? '', text: line.textContent?.trim() ?? '' }));
  }, ui.overlayLine);
}

interface MarkerBox {
  start: number;
  end: number;
  category: string;
  label: string;
  point: boolean;
  left: number;
  centre: number;
  width: number;
}

interface MarkerGeometry {
  /** The track's padding box, where the markers are absolutely positioned. */
  left: number;
  width: number;
  markers: MarkerBox[];
}

function markerGeometry(frame: Frame): Promise<MarkerGeometry> {
  return frame.evaluate((s) => {
    const track = document.querySelector<HTMLElement>(s.markerTrack);
    if (!track) throw new Error(`no ${s.markerTrack}`);
    const box = track.getBoundingClientRect();
    const markers = Array.from(document.querySelectorAll<HTMLElement>(s.marker), (marker) => {
      const rect = marker.getBoundingClientRect();
      return {
        start: Number(marker.dataset.start),
        end: Number(marker.dataset.end),
        category: marker.dataset.category ?? '',
        label: marker.getAttribute('aria-label') ?? '',
        point: marker.classList.contains('point'),
        left: rect.left,
        centre: rect.left + rect.width / 2,
        width: rect.width,
      };
    });
    return { left: box.left + track.clientLeft, width: track.clientWidth, markers };
  }, ui);
}

/** The webview frame showing `selector` now: a panel's frame is replaced when the panel is hidden and shown again. */
async function frameShowing(page: Page, selector: string): Promise<Frame> {
  for (const frame of page.frames()) {
    if (frame === page.mainFrame() || frame.isDetached()) continue;
    if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
  }
  throw new Error(`no webview shows ${selector}`);
}

describe('Critique Video and Score Video in a real VS Code workbench, against a recorded critic server', () => {
  let wb: WorkbenchDriver | undefined;
  let critic: RecordedCriticServer | undefined;
  let mp4: VideoProbe;
  let avi: VideoProbe;
  let critiques: string[] = [];
  let expected: ParsedCritique;
  let reward: RecordedReward;
  const suiteStarted = Date.now();
  let testsStarted = 0;
  const testSeconds: string[] = [];
  let testStarted = 0;

  before(
    async () => {
      ensureVideoFixtures(['h264Mp4', 'mjpegAvi']);
      mp4 = probeWithCli(videoPath('h264Mp4'));
      avi = probeWithCli(videoPath('mjpegAvi'));
      critiques = readRecordedCritiques();
      expected = parseWithCli(CRITIQUE_FIXTURE);
      reward = readRecordedReward();
      critic = await startRecordedCriticServer({
        modelName: MODEL_NAME,
        critiques,
        reward,
        prompts: { critic: shippedPrompt('critic-detailed'), reward: shippedPrompt('reward') },
      });
      wb = await startWorkbench({
        name: 'critique-player',
        files: { 'h264.mp4': videoPath('h264Mp4'), 'mjpeg.avi': videoPath('mjpegAvi') },
        settings: {
          'cosmosCritic.backend': 'openai',
          'cosmosCritic.endpoints': [critic.baseUrl],
          'cosmosCritic.servedModelName': MODEL_NAME,
        },
      });
      await wb.screenshot('workbench');
      testsStarted = Date.now();
    },
    // The first run installs code-server (a few minutes); later runs start in about 15 s.
    { timeout: 15 * 60_000 },
  );

  beforeEach(() => {
    testStarted = Date.now();
  });

  afterEach((t) => {
    // "right-click h264.mp4 → Critique Video streams…" → "h264.mp4 → Critique Video".
    const [target = '', action = ''] = t.name.replace(/^right-click /, '').split(' → ');
    testSeconds.push(`${target} → ${action.split(' ').slice(0, 2).join(' ')}: ${((Date.now() - testStarted) / 1000).toFixed(1)} s`);
  });

  after(async () => {
    const testsSeconds = testsStarted ? (Date.now() - testsStarted) / 1000 : 0;
    const timings = wb?.timings;
    await wb?.close();
    await critic?.close();
    const served = critic ? `${critic.requests.length} requests served, ${critic.rejections.length} refused` : 'no critic server';
    process.stderr.write(
      `[e2e] critique-player: install ${(timings?.installSeconds ?? 0).toFixed(1)} s, start ${(timings?.startSeconds ?? 0).toFixed(1)} s, ` +
        `tests ${testsSeconds.toFixed(1)} s, suite ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s (${served})\n` +
        testSeconds.map((line) => `[e2e]   ${line}\n`).join(''),
    );
  });

  const driver = (): WorkbenchDriver => {
    assert.ok(wb, 'the workbench did not start');
    return wb;
  };
  const server = (): RecordedCriticServer => {
    assert.ok(critic, 'the recorded critic server did not start');
    return critic;
  };

  /** Waits until the panel's job is over; fails unless it is done. */
  async function finishedJob(w: WorkbenchDriver, frame: Frame, what: string): Promise<JobState> {
    const state = await w.waitFor(
      `the ${what} to finish (#job-status[data-status=done])`,
      () => jobState(frame),
      (s) => s.status === 'done' || s.status === 'failed' || s.status === 'cancelled',
      { timeoutMs: 90_000 },
    );
    await w.step(`checking that the ${what} succeeded`, async () => {
      assert.equal(state.status, 'done', `the job ended ${state.status}: "${state.line}"; the server refused: ${server().rejections.join(' | ') || 'nothing'}`);
    });
    return state;
  }

  /** Checks the markers against the parsed violations: count, category, times and label. */
  function checkMarkers(markers: MarkerBox[], timed: Violation[]): void {
    assert.equal(markers.length, timed.length, `${markers.length} markers on the timeline, ${timed.length} timed violations parsed`);
    const byStart = [...markers].sort((a, b) => a.start - b.start);
    timed.forEach((violation, i) => {
      const marker = byStart[i]!;
      assert.equal(marker.category, violation.category, `marker ${i} (${marker.label})`);
      assert.equal(marker.start, violation.start_s);
      assert.equal(marker.end, violation.end_s);
      assert.equal(marker.point, violation.start_s === violation.end_s, `marker ${i} is a ${marker.point ? 'point' : 'range'}`);
      assert.equal(marker.label, markerLabel(violation));
    });
  }

  const timedViolations = (): Violation[] =>
    expected.violations.filter((v) => v.start_s !== null && v.end_s !== null).sort((a, b) => a.start_s! - b.start_s!);

  const mp4Video = player.videoOf('/h264.mp4');

  it('right-click h264.mp4 → Critique Video streams the critique, then shows the verdict and the violations on the timeline', { timeout: 180_000 }, async () => {
    const w = driver();
    const timed = timedViolations();
    const [point, range] = timed;
    assert.ok(point && range && timed.length === 2, `the recording should give one point and one range violation, parsed: ${JSON.stringify(timed)}`);
    assert.ok(point.start_s === point.end_s && range.start_s! < range.end_s!, 'the first timed violation is a point, the second a range');

    // The first trial pauses part-way, as a slow model would, until the panel has been looked at once.
    server().holdNextStream(HELD_AFTER_CHARS, 60_000);
    await w.rightClick('h264.mp4');
    await w.clickMenuItem(CRITIQUE, { screenshot: 'h264-context-menu' });
    const frame = await w.webviewFrame(mp4Video, { timeoutMs: 45_000 });

    // Once, early: the critique is being written into the panel while the job runs.
    const early = await w
      .waitFor(
        'the critique to stream into #critique-stream while the job runs',
        () => jobState(frame),
        (s) => (s.status === 'running' && (s.streams[0] ?? '').length > 0) || s.status === 'done' || s.status === 'failed' || s.status === 'cancelled',
        { timeoutMs: 60_000 },
      )
      .finally(() => server().release());
    await w.screenshot('h264-streaming');
    await w.step('checking the streamed text', async () => {
      assert.equal(early.status, 'running', `the job was ${early.status} before any streamed text showed: "${early.line}"`);
      assert.ok(early.streamVisible, '#critique-stream is hidden while the critique streams');
      early.streams.forEach((text, trial) => {
        assert.ok(critiques[trial]?.startsWith(text), `trial ${trial + 1} streamed text that is not the start of its recording: "${text.slice(0, 80)}…"`);
      });
      const streamed = early.streams.reduce((sum, text) => sum + text.length, 0);
      const total = critiques.reduce((sum, text) => sum + text.length, 0);
      assert.ok(streamed < total, 'the whole critique was there at the first look: nothing streamed');
    });

    await finishedJob(w, frame, 'critique of h264.mp4');
    await w.screenshot('h264-critiqued');

    const state = await w.waitFor(
      'the <video> of h264.mp4 to load its metadata (readyState ≥ 1, duration ≈ 3 s)',
      () => videoState(frame),
      (s) => s.readyState >= 1 && Math.abs(s.duration - mp4.video.duration_s) < 0.1,
      { timeoutMs: 30_000 },
    );
    await w.step('checking the video, the verdict and the requests the critic server saw', async () => {
      assert.equal(state.error, null);
      assert.equal(state.proxy, 'false', 'an MP4 that plays as it is got a playable copy');
      assert.ok(Math.abs(state.duration - 3) < 0.1, `the video lasts ${state.duration} s`);

      const verdict = await frame.evaluate((s) => {
        const section = document.querySelector<HTMLElement>(s.verdict);
        return {
          visible: section !== null && !section.hidden,
          mode: section?.dataset.mode ?? null,
          score: document.querySelector(s.criticScore)?.textContent?.trim() ?? null,
          answers: Array.from(document.querySelectorAll<HTMLElement>(s.trialAnswer), (li) => ({ answer: li.dataset.answer ?? '', text: li.textContent ?? '' })),
        };
      }, ui);
      assert.ok(verdict.visible, '#verdict is hidden');
      assert.equal(verdict.mode, 'critic');
      assert.equal(verdict.answers.length, expected.critic.trials.length);
      verdict.answers.forEach((answer, i) => {
        assert.equal(answer.answer, 'Yes', `trial ${i + 1} answers ${answer.answer}`);
        assert.match(answer.text, /Yes · Anomaly/, `trial ${i + 1} shows "${answer.text}"`);
      });
      assert.equal(verdict.score, expected.critic.score?.toFixed(3));

      const critiqueRequests = server().requests.filter((r) => r.kind === 'critique');
      assert.deepEqual(server().rejections, []);
      assert.deepEqual(critiqueRequests.map((r) => r.trial), critiques.map((_, i) => i), 'one streamed request per trial, in order');
      assert.ok(critiqueRequests.every((r) => !r.aborted && r.chunks > 1 && r.model === MODEL_NAME));
      const thumbs = await frame.locator(ui.frameThumb).count();
      assert.ok(thumbs > 0 && critiqueRequests.every((r) => r.frames === thumbs), `the frame strip shows ${thumbs} frames, the server got ${critiqueRequests.map((r) => r.frames).join(', ')}`);
      assert.equal(await frame.locator(ui.violationItem).count(), expected.violations.length, 'every violation, timed or not, is listed');
    });

    const geometry = await w.waitFor(
      `${timed.length} violation markers on the timeline`,
      () => markerGeometry(frame),
      (g) => g.markers.length === timed.length,
    );
    await w.screenshot('h264-markers');
    await w.step('checking the markers against the parsed violations', async () => {
      checkMarkers(geometry.markers, timed);
      assert.ok(geometry.width > 100, `the violation track is ${geometry.width} px wide`);
      const duration = mp4.video.duration_s;
      const x = (time: number): number => geometry.left + (time / duration) * geometry.width;
      for (const marker of geometry.markers) {
        if (marker.point) {
          assert.ok(Math.abs(marker.centre - x(marker.start)) <= MARKER_TOLERANCE_PX, `point marker at x=${marker.centre.toFixed(1)}, expected ${x(marker.start).toFixed(1)} ± ${MARKER_TOLERANCE_PX} px`);
        } else {
          assert.ok(Math.abs(marker.left - x(marker.start)) <= MARKER_TOLERANCE_PX, `range marker starts at x=${marker.left.toFixed(1)}, expected ${x(marker.start).toFixed(1)} ± ${MARKER_TOLERANCE_PX} px`);
          const width = ((marker.end - marker.start) / duration) * geometry.width;
          assert.ok(Math.abs(marker.width - width) <= MARKER_TOLERANCE_PX, `range marker is ${marker.width.toFixed(1)} px wide, expected ${width.toFixed(1)} ± ${MARKER_TOLERANCE_PX} px`);
        }
      }
    });

    // Clicking the point marker seeks there, and the overlay describes the violation on screen.
    await w.step('clicking the point marker', () => frame.locator(ui.pointMarker).click({ timeout: 10_000 }));
    const atPoint = await w.waitFor(
      `the video to seek to ${point.start_s} s and the overlay to describe the ${point.category} violation`,
      async () => ({ video: await videoState(frame), overlay: await overlayLines(frame) }),
      (s) => Math.abs(s.video.currentTime - point.start_s!) <= SEEK_TOLERANCE_S && s.overlay.length > 0,
      { timeoutMs: 10_000 },
    );
    await w.screenshot('h264-point-marker');
    await w.step('checking the overlay at the point violation', async () => {
      assert.deepEqual(atPoint.overlay.map((line) => line.category), [point.category]);
      assert.ok(atPoint.overlay[0]!.text.includes(point.description), `the overlay says "${atPoint.overlay[0]!.text}"`);
    });

    // Inside the range: the overlay describes that violation instead.
    const inRange = (range.start_s! + range.end_s!) / 2 - 0.2;
    await w.step(`seeking to ${inRange} s`, () =>
      frame.locator(ui.video).evaluate((element, time) => {
        (element as HTMLVideoElement).currentTime = time;
      }, inRange),
    );
    const atRange = await w.waitFor(
      `the overlay to describe the ${range.category} violation at ${inRange} s`,
      async () => ({ video: await videoState(frame), overlay: await overlayLines(frame) }),
      (s) => Math.abs(s.video.currentTime - inRange) <= SEEK_TOLERANCE_S && s.overlay.some((line) => line.category === range.category),
      { timeoutMs: 10_000 },
    );
    await w.screenshot('h264-range-overlay');
    await w.step('checking the overlay inside the range violation', async () => {
      assert.deepEqual(atRange.overlay.map((line) => line.category), [range.category]);
      assert.ok(atRange.overlay[0]!.text.includes(range.description), `the overlay says "${atRange.overlay[0]!.text}"`);
    });

    // Playing on past the range's end clears the overlay.
    await w.step('playing the video (muted) from inside the range', () =>
      frame.locator(ui.video).evaluate(async (element) => {
        const video = element as HTMLVideoElement;
        video.muted = true;
        await video.play();
      }),
    );
    const pastRange = await w.waitFor(
      `the video to play past ${range.end_s} s with the overlay cleared`,
      async () => ({ video: await videoState(frame), overlay: await overlayLines(frame) }),
      (s) => (s.video.currentTime > range.end_s! + 0.1 || s.video.ended) && s.overlay.length === 0,
      { timeoutMs: 15_000 },
    );
    await frame.locator(ui.video).evaluate((element) => (element as HTMLVideoElement).pause());
    await w.screenshot('h264-played-past-range');
    assert.ok(pastRange.video.currentTime > range.end_s!, `played to ${pastRange.video.currentTime} s`);
  });

  it('right-click mjpeg.avi → Critique Video plays the AVI through its H.264 copy, with the violations on its timeline', { timeout: 180_000 }, async () => {
    const w = driver();
    const aviVideo = player.videoOf('/mjpeg.avi');
    const servedBefore = server().requests.length;
    await w.rightClick('mjpeg.avi');
    await w.clickMenuItem(CRITIQUE, { screenshot: 'avi-context-menu' });
    const frame = await w.webviewFrame(aviVideo, { timeoutMs: 45_000 });
    await finishedJob(w, frame, 'critique of mjpeg.avi');
    const seen = await w.waitFor(
      'the panel to play the H.264 copy of mjpeg.avi (#video[data-proxy=true], readyState ≥ 1)',
      async () => ({ video: await videoState(frame), proxies: await frame.locator(ui.proxyVideo).count(), markers: await markerGeometry(frame) }),
      (s) => s.proxies === 1 && s.video.readyState >= 1 && s.markers.markers.length > 0,
      { timeoutMs: 60_000 },
    );
    await w.screenshot('avi-critiqued');
    await w.step('checking the playable copy and the markers of the AVI', async () => {
      assert.equal(seen.video.error, null);
      assert.ok(Math.abs(seen.video.duration - 2) < 0.1, `the copy lasts ${seen.video.duration} s, the AVI 2 s`);
      assert.ok(Math.abs(seen.video.duration - avi.video.duration_s) < 0.1, `the copy lasts ${seen.video.duration} s, ffprobe says ${avi.video.duration_s} s`);
      checkMarkers(seen.markers.markers, timedViolations());
      const requests = server().requests.slice(servedBefore);
      assert.equal(requests.length, critiques.length, 'one streamed request per trial');
      assert.deepEqual(server().rejections, []);
    });
  });

  it('right-click h264.mp4 → Score Video shows the reward score and its band', { timeout: 120_000 }, async () => {
    const w = driver();
    const score = recordedRewardScore(reward);
    // README: band high at ≥ 0.7, medium at ≥ 0.3, else low.
    const band = score >= 0.7 ? 'high' : score >= 0.3 ? 'medium' : 'low';
    await w.rightClick('h264.mp4');
    await w.clickMenuItem(SCORE, { screenshot: 'h264-score-context-menu' });
    // The panel of h264.mp4 comes back (its webview reloads when shown again) and takes the score.
    const seen = await w.waitFor(
      'the h264.mp4 panel to show a reward score (#reward-score, #reward-band[data-band])',
      async () => {
        const frame = await frameShowing(w.page, mp4Video);
        return {
          job: await jobState(frame),
          mode: await frame.locator(ui.verdict).getAttribute('data-mode', { timeout: 1_000 }).catch(() => null),
          score: (await frame.locator(ui.rewardScore).count()) > 0 ? (await frame.locator(ui.rewardScore).innerText({ timeout: 1_000 })).trim() : null,
          band: (await frame.locator(ui.rewardBand).count()) > 0 ? await frame.locator(ui.rewardBand).getAttribute('data-band', { timeout: 1_000 }) : null,
        };
      },
      (s) => s.job.status === 'failed' || (s.job.status === 'done' && s.mode === 'reward' && s.score !== null && s.band !== null),
      { timeoutMs: 90_000 },
    );
    await w.screenshot('h264-scored');
    await w.step('checking the reward score', async () => {
      assert.equal(seen.job.status, 'done', `the score ended ${seen.job.status}: "${seen.job.line}"`);
      assert.match(seen.score ?? '', /^\d\.\d{3}$/, `#reward-score shows "${seen.score}"`);
      assert.equal(Number(seen.score), Number(score.toFixed(3)));
      assert.equal(seen.band, band);
      const rewards = server().requests.filter((r) => r.kind === 'reward');
      assert.equal(rewards.length, 1, 'one reward request');
      assert.ok(rewards[0]!.frames > 0 && rewards[0]!.frames % 2 === 0, `the reward rule sends an even number of frames, got ${rewards[0]!.frames}`);
      assert.deepEqual(server().rejections, []);
      const frame = await frameShowing(w.page, mp4Video);
      assert.equal(await frame.locator(ui.marker).count(), 0, 'a reward result has no violations to mark');
      assert.equal(await frame.locator(`${ui.rerun}[title*=${cssString('score')}]`).count(), 1, 'Re-run offers the score again');
    });
  });
});
