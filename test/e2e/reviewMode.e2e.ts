// Review mode as a user works it: five critiqued videos in a real VS Code workbench, reviewed from the keyboard alone
// (next video, verdicts, accept and reject, undo), one violation's end dragged to a new time on the timeline, one
// missed violation drawn and given a category, every video labelled; then `cosmos-critic eval` on the labels file
// the review wrote gives the expected counts. The critiques come from the recorded Cosmos Reason output on a loopback
// OpenAI-compatible server, written by the CLI into the workspace's results folder before the workbench starts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import type { EvalReport } from '../../src/engine/eval/evaluateLabels';
import { parseLabelEntries, type LabelEntry } from '../../src/engine/labels/labelStore';
import { parsePromptFile } from '../../src/promptfile/promptFile';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { readRecordedCritiques, readRecordedReward, startRecordedCriticServer, type PromptText, type RecordedCriticServer } from './fixtures/recordedCriticServer';
import { EXTENSION_ROOT, startWorkbench, type WorkbenchDriver } from './workbench/workbench';

const MODEL_NAME = 'cosmos-reason1-7b';
const CLIPS = { 'a.mp4': 'h264Mp4', 'b.webm': 'vp9Webm', 'c.mov': 'h264Mov', 'd.mp4': 'short', 'e.avi': 'mjpegAvi' } as const;
const CLI = join(EXTENSION_ROOT, 'dist', 'cli.js');

/** The review view's parts (webview/review/*.ts), by the ids and classes it promises. */
const ui = {
  timeline: '#review-timeline',
  track: '#review-track',
  span: '#review-track .review-span:not(.ghost)',
  title: '.review-title',
  progress: '#review-progress',
  save: '#review-save',
  keys: '#review-keys-table',
  picker: '#review-picker',
  category: '#review-category',
  violation: '#review-violations li.review-violation',
} as const;

function shippedPrompt(name: string): PromptText {
  const file = join(EXTENSION_ROOT, 'prompts', `${name}.prompt.md`);
  const prompt = parsePromptFile(readFileSync(file, 'utf8'), file);
  return { system: prompt.system, user: prompt.user };
}

/** The CLI in a child process, awaited: the recorded critic server answers it from this process's event loop. */
const cli = (args: string[]): Promise<string> =>
  new Promise((resolve, reject) =>
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
  );

describe('review mode: label a batch of critiques from the keyboard', () => {
  let critic: RecordedCriticServer | undefined;
  let wb: WorkbenchDriver | undefined;
  let workspace: string;
  let results: string;
  let labelsFile: string;

  before(
    async () => {
      ensureVideoFixtures(Object.values(CLIPS));
      critic = await startRecordedCriticServer({
        modelName: MODEL_NAME,
        critiques: readRecordedCritiques(),
        reward: readRecordedReward(),
        prompts: { critic: shippedPrompt('critic-detailed'), reward: shippedPrompt('reward') },
        chunkDelayMs: 0,
      });
      workspace = mkdtempSync(join(tmpdir(), 'cosmos-critic-review-e2e-'));
      results = join(workspace, '.cosmos-critic');
      labelsFile = join(results, 'labels.jsonl');
      for (const [name, key] of Object.entries(CLIPS)) {
        copyFileSync(videoPath(key), join(workspace, name));
        await cli(['critique', join(workspace, name), '--endpoint', critic.baseUrl, '--model-name', MODEL_NAME, '--out', results]);
      }
      wb = await startWorkbench({
        name: 'review-mode',
        workspace,
        settings: { 'cosmosCritic.backend': 'openai', 'cosmosCritic.endpoints': [critic.baseUrl], 'cosmosCritic.servedModelName': MODEL_NAME },
      });
    },
    { timeout: 15 * 60_000 },
  );

  after(async () => {
    await wb?.close();
    await critic?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  const w = () => {
    assert.ok(wb, 'the workbench started');
    return wb;
  };

  const text = (frame: Frame, selector: string) => frame.evaluate((s) => document.querySelector(s)?.textContent?.trim() ?? '', selector);
  const labels = (): LabelEntry[] => (existsSync(labelsFile) ? parseLabelEntries(readFileSync(labelsFile, 'utf8'), labelsFile) : []);

  /** Presses keys in the review view (the webview has the keyboard focus). */
  async function press(...keys: string[]): Promise<void> {
    for (const key of keys) await w().page.keyboard.press(key);
  }

  async function waitForVideo(frame: Frame, index: number): Promise<void> {
    await w().waitFor(`video ${index + 1} of 5 shown`, () => text(frame, ui.title), (t) => t.includes(`(${index + 1} of 5)`), { timeoutMs: 20_000 });
  }

  /**
   * Presses `key` (j or k) to go from the video shown to video `index`; a key the view did not take (it was laying
   * itself out again as the press came) is pressed again, as a person would, only while the old video is still shown.
   */
  async function goTo(frame: Frame, key: 'j' | 'k', index: number): Promise<void> {
    const from = key === 'j' ? index - 1 : index + 1;
    for (let attempt = 0; attempt < 3; attempt++) {
      await press(key);
      const shown = await w()
        .waitFor(`video ${index + 1} of 5 shown`, () => text(frame, ui.title), (t) => t.includes(`(${index + 1} of 5)`), { timeoutMs: 8_000 })
        .catch(() => undefined);
      if (shown !== undefined) return;
      if (!(await text(frame, ui.title)).includes(`(${from + 1} of 5)`)) break;
    }
    await waitForVideo(frame, index);
  }

  async function waitForLabels(count: number): Promise<LabelEntry[]> {
    return w().waitFor(`${count} labels in labels.jsonl`, async () => labels(), (l) => l.length === count, { timeoutMs: 15_000 });
  }

  /** The track's box and a span's box in page coordinates (the webview's iframes add their offsets), once both are laid out. */
  async function boxes(frame: Frame, index: number) {
    const found = await w().waitFor(
      `the track and span ${index} on screen`,
      async () => ({ track: await frame.locator(ui.track).boundingBox(), span: await frame.locator(`${ui.span}[data-index="${index}"]`).boundingBox() }),
      (b) => b.track !== null && b.span !== null && b.span.width > 0,
      { timeoutMs: 15_000 },
    );
    return { track: found.track!, span: found.span! };
  }

  const spanEnd = (frame: Frame, index: number) =>
    frame.evaluate(([s, i]) => Number(document.querySelector<HTMLElement>(`${s}[data-index="${i}"]`)?.dataset.end ?? NaN), [ui.span, index] as const);

  it('reviews five videos from the keyboard, corrects one violation by dragging, adds one, and eval reads the labels', async () => {
    const frame = await w().step('open review mode', async () => {
      await w().runCommand('Cosmos Critic: Review and Label Folder');
      return w().webviewFrame(ui.timeline, { timeoutMs: 45_000 });
    });
    await waitForVideo(frame, 0);
    assert.match(await text(frame, ui.keys), /Next video/, 'the keys are shown in the view');
    await frame.locator('body').focus();
    await frame.locator(ui.title).click();

    // Video 1: accept every violation, drag one's end later, draw a missed one, label it bad.
    const timed = await frame.locator(ui.span).count();
    assert.ok(timed >= 2, `the recorded critique has timed violations (${timed})`);
    const listed = await frame.locator(ui.violation).count();
    for (let i = 0; i < listed; i++) await press('a');
    // A press the view did not take leaves a violation undecided: accept what is left (each press accepts one).
    for (let round = 0; round < 3 && (await frame.locator(`${ui.violation}.undecided`).count()) > 0; round++) {
      await w().waitFor('every violation accepted', () => frame.locator(`${ui.violation}.undecided`).count(), (n) => n === 0, { timeoutMs: 3_000 }).catch(async () => {
        for (let i = await frame.locator(`${ui.violation}.undecided`).count(); i > 0; i--) await press('a');
      });
    }
    await w().waitFor('every violation accepted', () => frame.locator(`${ui.violation}.undecided`).count(), (n) => n === 0);

    // The range violation (not the point one): its end handle is wide enough to grab.
    const DRAGGED = await frame.evaluate((s) => [...document.querySelectorAll<HTMLElement>(s)].findIndex((el) => Number(el.dataset.end) - Number(el.dataset.start) > 0.2), ui.span);
    assert.ok(DRAGGED >= 0, 'a violation with a range to drag');
    const before_ = await spanEnd(frame, DRAGGED);
    // The view lays the track out again as the video's metadata and the labels arrive; a drag that began on a span
    // that moved under the pointer is made again (at most three times), as a person would.
    let after_ = before_;
    for (let attempt = 1; attempt <= 3 && !(after_ > before_ + 0.01); attempt++) {
      await w().step(`drag the end of a range violation (try ${attempt})`, async () => {
        const { track, span } = await boxes(frame, DRAGGED);
        const y = span.y + span.height / 2;
        await w().page.mouse.move(span.x + span.width - 1, y);
        await w().page.mouse.down();
        await w().page.mouse.move(Math.min(track.x + track.width - 2, span.x + span.width + track.width * 0.05), y, { steps: 8 });
        await w().page.mouse.up();
      });
      after_ = await w()
        .waitFor('the span ends later', () => spanEnd(frame, DRAGGED), (end) => end > before_ + 0.01, { timeoutMs: attempt < 3 ? 3_000 : 20_000 })
        .catch((error: unknown) => {
          if (attempt === 3) throw error;
          return before_;
        });
    }

    await w().step('draw a missed violation and pick its category', async () => {
      const { track } = await boxes(frame, 0);
      const y = track.y + track.height / 2;
      await w().page.mouse.move(track.x + track.width * 0.9, y);
      await w().page.mouse.down();
      await w().page.mouse.move(track.x + track.width * 0.97, y, { steps: 6 });
      await w().page.mouse.up();
      await w().waitFor('the category picker', () => frame.locator(ui.picker).isVisible(), (v) => v);
      await frame.locator(ui.category).selectOption('object_permanence');
      await press('Tab', 'Enter');
    });
    await w().waitFor('the added violation on the track', () => frame.locator(`${ui.span}.added`).count(), (n) => n === 1);
    await frame.locator(ui.title).click();
    await press('b');
    const first = (await waitForLabels(1))[0]!;
    assert.equal(first.label, 'bad');
    assert.equal(first.violations.length, timed + 1);
    assert.ok(first.violations.some((v) => v.source === 'critic' && Math.abs(v.end_s - after_) < 1e-6), 'the corrected end is saved');
    assert.ok(first.violations.some((v) => v.source === 'added' && v.category === 'object_permanence'));

    // Videos 2–5: next video, a verdict each; one verdict undone and given again.
    await goTo(frame, 'j', 1);
    await press('g');
    await waitForLabels(2);
    await goTo(frame, 'j', 2);
    await press('4');
    await waitForLabels(3);
    await goTo(frame, 'j', 3);
    await press('g');
    await waitForLabels(4);
    await press('u');
    await waitForLabels(3);
    await press('2');
    await waitForLabels(4);
    await goTo(frame, 'j', 4);
    for (let i = 0; i < (await frame.locator(ui.violation).count()); i++) await press('r');
    await press('b');
    const all = await waitForLabels(5);
    assert.deepEqual(all.map((e) => e.label).sort(), [2, 4, 'bad', 'bad', 'good'].sort());
    await w().waitFor('the view counts five labels', () => text(frame, ui.progress), (t) => /^5 of 5 labelled/.test(t));

    // Going back keeps what was said; the first video shows its label.
    for (let index = 3; index >= 0; index--) {
      await goTo(frame, 'k', index);
    }
    assert.equal(await frame.locator('#review-label-bad').getAttribute('aria-pressed'), 'true');

    const report = JSON.parse(await cli(['eval', results, '--labels', labelsFile, '--bootstrap', '50'])) as EvalReport;
    assert.deepEqual(report.labels_without_result, []);
    const run = report.runs[0]!;
    assert.equal(run.n, 5);
    assert.ok(run.timestamps);
    assert.equal(run.timestamps.videos, 5);
    assert.equal(run.timestamps.labelled, timed + 1);
    await w().screenshot('review-done');
  });

  it('comes back after a window reload, at the video it showed, with the labels it had', { timeout: 180_000 }, async () => {
    const frame = await w().webviewFrame(ui.timeline);
    await frame.locator(ui.title).click();
    await goTo(frame, 'j', 1);
    await goTo(frame, 'j', 2);
    await w().step('reload the window', () => w().runCommand('Developer: Reload Window'));
    await w().waitFor('the view before the reload to go', async () => frame.isDetached(), (gone) => gone, { timeoutMs: 60_000 });
    // The restored view's frame is looked up afresh on each look: the workbench may replace it while it restores.
    await w().waitFor(
      'the restored review at video 3 of 5, counting five labels',
      async () => {
        for (const candidate of w().page.frames()) {
          if (candidate.isDetached() || (await candidate.locator(ui.title).filter({ hasText: '(3 of 5)' }).count()) === 0) continue;
          return text(candidate, ui.progress);
        }
        return 'no review view yet';
      },
      (t) => /^5 of 5 labelled/.test(t),
      { timeoutMs: 90_000 },
    );
    assert.equal(labels().length, 5, 'the reload lost no label');
    await w().screenshot('review-restored');
  });
});
