// Show Sampling Plan, as a user reaches it: right-click a video in the Explorer of a real VS Code
// workbench, then watch and click the player panel that opens.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import type { VideoProbe } from '../../src/shared/video';
import { badInputPath, ensureBadInputs, ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { probeWithCli } from './workbench/cli';
import { player, sampledFrameCount, workbench } from './workbench/selectors';
import { startWorkbench, type WorkbenchDriver } from './workbench/workbench';

const MENU_ITEM = 'Show Sampling Plan';
/** Allowed distance between a tick's centre and frame_time / duration of the timeline. */
const TICK_TOLERANCE_PX = 2;
/** Allowed difference between a seek's target and the video's currentTime. */
const SEEK_TOLERANCE_S = 0.05;

interface VideoState {
  readyState: number;
  duration: number;
  currentTime: number;
  videoWidth: number;
  error: number | null;
}

function videoState(frame: Frame, selector: string): Promise<VideoState> {
  return frame.locator(selector).evaluate((element) => {
    const video = element as HTMLVideoElement;
    return {
      readyState: video.readyState,
      duration: video.duration,
      currentTime: video.currentTime,
      videoWidth: video.videoWidth,
      error: video.error?.code ?? null,
    };
  });
}

describe('Show Sampling Plan in a real VS Code workbench', () => {
  let wb: WorkbenchDriver | undefined;
  let mp4: VideoProbe;
  let suiteStarted = 0;

  before(
    async () => {
      ensureVideoFixtures(['h264Mp4', 'mjpegAvi']);
      ensureBadInputs();
      mp4 = probeWithCli(videoPath('h264Mp4'));
      wb = await startWorkbench({
        name: 'sampling-plan',
        files: { 'h264.mp4': videoPath('h264Mp4'), 'mjpeg.avi': videoPath('mjpegAvi'), 'notes.mp4': badInputPath('text') },
        settings: { 'cosmosCritic.device': 'cpu' },
      });
      await wb.screenshot('workbench');
      suiteStarted = Date.now();
    },
    // The first run installs code-server (a few minutes); later runs start in about 15 s.
    { timeout: 15 * 60_000 },
  );

  after(async () => {
    if (!wb) return;
    const { installSeconds, startSeconds } = wb.timings;
    const testSeconds = (Date.now() - suiteStarted) / 1000;
    await wb.close();
    process.stderr.write(
      `[e2e] sampling-plan: install ${installSeconds.toFixed(1)} s, start ${startSeconds.toFixed(1)} s, tests ${testSeconds.toFixed(1)} s\n`,
    );
  });

  const driver = (): WorkbenchDriver => {
    assert.ok(wb, 'the workbench did not start');
    return wb;
  };

  /** The h264.mp4 player, opened from the Explorer by the first test. */
  let openedFrame: Frame | undefined;
  const mp4Player = (): Frame => {
    assert.ok(openedFrame, 'the h264.mp4 player did not open');
    return openedFrame;
  };
  const mp4Video = player.videoOf('/h264.mp4');

  it('right-click h264.mp4 → Show Sampling Plan opens a panel that loads the video', { timeout: 120_000 }, async () => {
    const w = driver();
    await w.rightClick('h264.mp4');
    await w.clickMenuItem(MENU_ITEM, { screenshot: 'h264-context-menu' });
    const mp4Frame = await w.webviewFrame(mp4Video, { timeoutMs: 45_000 });
    openedFrame = mp4Frame;
    const state = await w.waitFor(
      'the <video> of h264.mp4 to load its metadata (readyState ≥ 1, duration ≈ 3 s)',
      () => videoState(mp4Frame, mp4Video),
      (s) => s.readyState >= 1 && Math.abs(s.duration - 3) < 0.1,
      { timeoutMs: 30_000 },
    );
    await w.screenshot('h264-loaded');
    await w.step('checking the loaded video', async () => {
      assert.equal(state.error, null);
      assert.ok(Math.abs(state.duration - mp4.video.duration_s) < 0.1, `duration ${state.duration} s, ffprobe says ${mp4.video.duration_s} s`);
      assert.equal(await mp4Frame.locator(player.playbackNotice).isVisible(), false, 'the playback notice is shown for a playable MP4');
    });
  });

  it('has one tick per sampled frame, each at frame_time / duration of the timeline', { timeout: 60_000 }, async () => {
    const w = driver();
    const mp4Frame = mp4Player();
    const times = mp4.plan.frame_times_s;
    const duration = mp4.video.duration_s;
    await w.waitFor(
      `${times.length} ticks on the timeline`,
      () => mp4Frame.locator(player.tick).count(),
      (count) => count === times.length,
    );
    await w.step('checking the ticks against the sampling plan', async () => {
      assert.equal(times.length, mp4.plan.frames);
      const label = await mp4Frame.locator(player.timeline).getAttribute('aria-label');
      assert.equal(sampledFrameCount(label), times.length, `the timeline says "${label}"`);

      const geometry = await mp4Frame.evaluate(
        (selectors) => {
          const track = document.querySelector<HTMLElement>(selectors.track);
          if (!track) throw new Error(`no ${selectors.track}`);
          const box = track.getBoundingClientRect();
          const ticks = Array.from(document.querySelectorAll<HTMLElement>(selectors.tick), (tick) => {
            const rect = tick.getBoundingClientRect();
            return { centre: rect.left + rect.width / 2, label: tick.getAttribute('aria-label') ?? '' };
          });
          // Ticks are absolutely positioned in the track's padding box.
          return { left: box.left + track.clientLeft, width: track.clientWidth, ticks };
        },
        { track: player.timelineTrack, tick: player.tick },
      );
      assert.ok(geometry.width > 100, `the timeline is ${geometry.width} px wide`);
      geometry.ticks.forEach((tick, index) => {
        const time = times[index]!;
        const expected = geometry.left + (time / duration) * geometry.width;
        assert.ok(
          Math.abs(tick.centre - expected) <= TICK_TOLERANCE_PX,
          `tick ${index} (${tick.label}) is at x=${tick.centre.toFixed(1)}, expected ${expected.toFixed(1)} ± ${TICK_TOLERANCE_PX} px`,
        );
        assert.equal(tick.label, `Frame ${index} at ${time.toFixed(3)} s`);
      });
    });
    await w.screenshot('h264-ticks');
  });

  it('clicking a tick seeks the video to that frame', { timeout: 60_000 }, async () => {
    const w = driver();
    const mp4Frame = mp4Player();
    const times = mp4.plan.frame_times_s;
    const picks = [Math.floor(times.length / 2), times.length - 1, 1, 0];
    for (const index of picks) {
      const time = times[index]!;
      await w.step(`clicking tick ${index}`, () => mp4Frame.locator(player.tickOf(index)).click({ timeout: 10_000 }));
      await w.waitFor(
        `the video to seek to frame ${index} at ${time} s`,
        async () => ({
          ...(await videoState(mp4Frame, mp4Video)),
          current: await mp4Frame.locator(player.currentTick).getAttribute('aria-label', { timeout: 1_000 }),
          position: await mp4Frame.locator(player.framePosition).textContent({ timeout: 1_000 }),
        }),
        (s) =>
          Math.abs(s.currentTime - time) < SEEK_TOLERANCE_S &&
          (s.current ?? '').startsWith(`Frame ${index} at `) &&
          (s.position ?? '').startsWith(`${time.toFixed(3)} s`),
        { timeoutMs: 10_000 },
      );
      await w.screenshot(`h264-seek-frame-${index}`);
    }
  });

  it('right-click mjpeg.avi → Show Sampling Plan says the panel cannot play the AVI as it is', { timeout: 120_000 }, async () => {
    const w = driver();
    const aviVideo = player.videoOf('/mjpeg.avi');
    await w.rightClick('mjpeg.avi');
    await w.clickMenuItem(MENU_ITEM, { screenshot: 'avi-context-menu' });
    const frame = await w.webviewFrame(aviVideo, { timeoutMs: 45_000 });
    // A player that makes playable copies (proxies) has a proxy note; one that does not says it cannot play.
    const hasProxy = (await frame.locator(player.proxyNote).count()) > 0;
    if (!hasProxy) {
      const notice = await w.waitFor(
        'the panel to say that it cannot play mjpeg.avi',
        async () => ((await frame.locator(player.playbackFailure).isVisible()) ? await frame.locator(player.playbackFailure).innerText() : ''),
        (text) => text.includes('cannot be played in this panel'),
        { timeoutMs: 30_000 },
      );
      await w.screenshot('avi-cannot-play');
      await w.step('checking the cannot-play message', async () => {
        assert.match(notice, /This AVI video \(mjpeg\) cannot be played in this panel/);
        assert.equal(await frame.locator(aviVideo).isVisible(), false, 'the <video> is still shown');
        assert.equal(await frame.locator(player.tick).count(), probeWithCli(videoPath('mjpegAvi')).plan.frames, 'the sampling plan is still shown');
      });
    } else {
      const seen = await w.waitFor(
        'the panel to play a playable copy of mjpeg.avi (or to say it cannot play it)',
        async () => ({
          proxyNote: (await frame.locator(player.proxyNote).isVisible()) ? await frame.locator(player.proxyNote).innerText() : '',
          failure: (await frame.locator(player.playbackFailure).isVisible()) ? await frame.locator(player.playbackFailure).innerText() : '',
          proxy: await frame.locator(aviVideo).getAttribute('data-proxy'),
          video: await videoState(frame, aviVideo),
        }),
        (s) => s.failure.includes('cannot be played in this panel') || (s.proxyNote !== '' && s.video.readyState >= 1),
        { timeoutMs: 60_000 },
      );
      await w.screenshot('avi-playable-copy');
      await w.step('checking the playable copy of the AVI', async () => {
        assert.equal(seen.failure, '', `the panel gave up on the AVI: ${seen.failure}`);
        // The note says why a copy plays: the AVI container does not play in the webview.
        assert.match(seen.proxyNote, /H\.264 copy/);
        assert.match(seen.proxyNote, /\bavi\b/i);
        assert.equal(seen.proxy, 'true');
        assert.ok(Math.abs(seen.video.duration - 2) < 0.1, `the copy lasts ${seen.video.duration} s, the AVI 2 s`);
      });
    }
  });

  it('right-click a text file named notes.mp4 → one error notification naming it, no panel', { timeout: 60_000 }, async () => {
    const w = driver();
    await w.rightClick('notes.mp4');
    await w.clickMenuItem(MENU_ITEM);
    // Not the "Probing notes.mp4…" progress notification that comes first: the error.
    const toast = await w.waitForNotification('not a readable video');
    await w.screenshot('notes-error');
    await w.step('checking the error notification', async () => {
      const text = await toast.innerText();
      assert.match(text, /notes\.mp4/);
      assert.match(text, /Cosmos Critic/, 'the notification names its source');
      assert.equal(await w.page.locator(workbench.editorTab('notes.mp4')).count(), 0, 'a panel opened for a file that is not a video');
    });
  });
});
