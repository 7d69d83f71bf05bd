// Live prompt re-runs, as a user works them: open a prompt file that pins a video, click its code lens
// "Run on 1 pinned video", then edit the prompt and save — the comparison view runs the new version by itself and
// shows it beside the previous one. The critic is the local backend on the tiny random-weight model, on the CPU.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import type { CriticResult } from '../../src/shared/result';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { editor, promptCompare, workbench } from './workbench/selectors';
import { startWorkbench, type WorkbenchDriver } from './workbench/workbench';

const PROMPT_ID = 'live-critic';
const PROMPT_FILE = `${PROMPT_ID}.prompt.md`;
const VIDEO = 'videos/h264.mp4';
const LENS = 'Run on 1 pinned video';
const COMPARE_TAB = `${PROMPT_ID} · Compare`;
/** The user text's last word, which the test changes in the editor. */
const OLD_WORD = 'clip';
const NEW_WORD = 'video';

/**
 * A small critic prompt: few, small frames and eight new tokens keep a run on the tiny model to seconds. It ends
 * without a newline, so that the end of the file is the end of the user text's last word.
 */
const PROMPT = `---
id: ${PROMPT_ID}
version: 1
mode: critic
domain: general
focus: [gravity, collision]
ignore: [audio]
video: { fps: 2, max_pixels: 50176 }
generation: { temperature: 0, max_new_tokens: 8, seed: 1 }
trials: 1
pin: [${VIDEO}]
---
## system
You are a careful critic of videos for physical plausibility. Look for {{focus}}.
Begin your answer with a single word: "Yes" or "No".

## user
Does anything physically impossible happen in this ${OLD_WORD}`;

/** What one video's section of the comparison view shows. */
interface RowState {
  sections: number;
  video: string;
  status: string;
  previousTitle: string;
  currentTitle: string;
  previousMeta: string;
  currentMeta: string;
  previousEmpty: string;
  previousNote: string | null;
  currentNote: string | null;
  currentScore: string;
  scoreDirection: string | null;
  violationChanges: number;
  noViolations: boolean;
  note: string;
}

/** The selectors rowState reads, as plain strings (they cross into the webview). */
const ROW_SELECTORS = {
  row: promptCompare.row,
  sidePrevious: promptCompare.sidePrevious,
  sideCurrent: promptCompare.sideCurrent,
  sideTitle: promptCompare.sideTitle,
  sideMeta: promptCompare.sideMeta,
  sideEmpty: promptCompare.sideEmpty,
  promptNote: promptCompare.promptNote,
  score: promptCompare.score,
  scoreChange: promptCompare.scoreChange,
  violationChange: promptCompare.violationChange,
  noViolations: promptCompare.noViolations,
  note: promptCompare.note,
};

function rowState(frame: Frame): Promise<RowState> {
  // No named functions in here: the test runner's transpiler would wrap them in a helper the webview does not have.
  return frame.evaluate((s) => {
    const sections = document.querySelectorAll<HTMLElement>(s.row);
    const section = sections[0];
    const previous = section?.querySelector(s.sidePrevious);
    const current = section?.querySelector(s.sideCurrent);
    return {
      sections: sections.length,
      video: section?.dataset.video ?? '',
      status: section?.dataset.status ?? '',
      previousTitle: previous?.querySelector(s.sideTitle)?.textContent?.trim() ?? '',
      currentTitle: current?.querySelector(s.sideTitle)?.textContent?.trim() ?? '',
      previousMeta: previous?.querySelector(s.sideMeta)?.textContent?.trim() ?? '',
      currentMeta: current?.querySelector(s.sideMeta)?.textContent?.trim() ?? '',
      previousEmpty: previous?.querySelector(s.sideEmpty)?.textContent?.trim() ?? '',
      previousNote: previous?.querySelector<HTMLElement>(s.promptNote)?.dataset.state ?? null,
      currentNote: current?.querySelector<HTMLElement>(s.promptNote)?.dataset.state ?? null,
      currentScore: current?.querySelector(s.score)?.textContent?.trim() ?? '',
      scoreDirection: section?.querySelector<HTMLElement>(s.scoreChange)?.dataset.direction ?? null,
      violationChanges: section?.querySelectorAll(s.violationChange).length ?? 0,
      noViolations: Boolean(section?.querySelector(s.noViolations)),
      note: document.querySelector(s.note)?.textContent?.trim() ?? '',
    };
  }, ROW_SELECTORS);
}

function readResult(file: string): CriticResult {
  return JSON.parse(readFileSync(file, 'utf8')) as CriticResult;
}

describe('Live prompt re-runs in a real VS Code workbench', () => {
  let wb: WorkbenchDriver | undefined;
  let promptDir: string | undefined;
  let suiteStarted = 0;
  let testsStarted = 0;
  const testSeconds: string[] = [];

  before(
    async () => {
      suiteStarted = Date.now();
      ensureVideoFixtures(['h264Mp4']);
      const model = await ensureTinyModel();
      promptDir = mkdtempSync(join(tmpdir(), 'cosmos-critic-e2e-prompt-'));
      const promptSource = join(promptDir, PROMPT_FILE);
      writeFileSync(promptSource, PROMPT);
      wb = await startWorkbench({
        name: 'live-prompt',
        files: { [VIDEO]: videoPath('h264Mp4'), [PROMPT_FILE]: promptSource },
        settings: { 'cosmosCritic.modelPath': model, 'cosmosCritic.device': 'cpu' },
        userSettings: {
          // VS Code in a browser saves after a second by default (and then shows no unsaved-changes dot): this user
          // saves with Ctrl+S, so that only the finished edit runs.
          'files.autoSave': 'off',
          // No completion list popping up over the typing.
          'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
        },
      });
      await wb.screenshot('workbench');
      testsStarted = Date.now();
    },
    // The first run installs code-server (a few minutes); later runs start in about 15 s.
    { timeout: 15 * 60_000 },
  );

  after(async () => {
    const testsSecondsTotal = testsStarted ? (Date.now() - testsStarted) / 1000 : 0;
    const timings = wb?.timings;
    await wb?.close();
    if (promptDir) rmSync(promptDir, { recursive: true, force: true });
    process.stderr.write(
      `[e2e] live-prompt: install ${(timings?.installSeconds ?? 0).toFixed(1)} s, start ${(timings?.startSeconds ?? 0).toFixed(1)} s, ` +
        `tests ${testsSecondsTotal.toFixed(1)} s, suite ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s\n` +
        testSeconds.map((line) => `[e2e]   ${line}\n`).join(''),
    );
  });

  const driver = (): WorkbenchDriver => {
    assert.ok(wb, 'the workbench did not start');
    return wb;
  };
  const timed = async (name: string, fn: () => Promise<void>): Promise<void> => {
    const started = Date.now();
    try {
      await fn();
    } finally {
      testSeconds.push(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  };
  const resultsDir = (): string => join(driver().workspace, '.cosmos-critic', 'results');
  // The results store's name: the video's name with its extension, the prompt's id and version, the model (the tiny
  // model folder's name and its precision).
  const resultName = (version: number): string => `${basename(VIDEO)}.${PROMPT_ID}-v${version}.tiny-model-fp32.json`;
  const resultFolder = (): string => join(resultsDir(), dirname(VIDEO));
  const resultFile = (version: number): string => join(resultFolder(), resultName(version));
  const resultNames = (): string[] => readdirSync(resultFolder()).filter((name) => name.endsWith('.json') && !name.endsWith('.failed.json')).sort();
  const videoFile = (): string => join(driver().workspace, VIDEO);

  /** The comparison view's frame, found again should the webview have been replaced. */
  let compareFrame: Frame | undefined;
  const compareRow = async (): Promise<RowState> => {
    if (!compareFrame || compareFrame.isDetached()) compareFrame = await driver().webviewFrame(promptCompare.row, { timeoutMs: 5_000 });
    return rowState(compareFrame);
  };

  /** The extension's "Cosmos Critic" output channel, as the workbench writes it to its logs folder. */
  const outputChannel = (): string => {
    const logs = join(dirname(driver().workspace), 'user-data', 'logs');
    if (!existsSync(logs)) return '';
    const file = (readdirSync(logs, { recursive: true }) as string[]).find((name) => name.endsWith('Cosmos Critic.log'));
    return file ? readFileSync(join(logs, file), 'utf8') : '';
  };

  it(`opening ${PROMPT_FILE} shows the code lens "${LENS}"`, { timeout: 120_000 }, () =>
    timed('code lens', async () => {
      const w = driver();
      await w.step(`opening ${PROMPT_FILE} from the Explorer`, () => w.explorerItem(PROMPT_FILE).click({ timeout: 30_000 }));
      const lens = w.page.locator(editor.codeLens).filter({ hasText: LENS });
      await w.waitFor(`the code lens "${LENS}" above the front matter`, () => lens.count(), (count) => count === 1, { timeoutMs: 90_000 });
      await w.screenshot('prompt-code-lens');
    }));

  it('clicking the code lens runs v1 on the pinned video and opens the comparison view', { timeout: 240_000 }, () =>
    timed('first run', async () => {
      const w = driver();
      await w.step(`clicking the code lens "${LENS}"`, () => w.page.locator(editor.codeLens).filter({ hasText: LENS }).first().click({ timeout: 10_000 }));
      // Loading the model, decoding the video and encoding it on the CPU: seconds on the tiny model.
      compareFrame = await w.webviewFrame(promptCompare.row, { timeoutMs: 60_000 });
      // The row is done as its result arrives; the run's note follows once the run has finished.
      const row = await w.waitFor(
        'the comparison view to show v1 of the prompt done on h264.mp4, and the run finished',
        compareRow,
        (s) => s.status === 'done' && !s.note.startsWith('Running'),
        { timeoutMs: 180_000 },
      );
      await w.screenshot('first-run-done');
      await w.step('checking the first run in the comparison view', async () => {
        assert.equal(row.sections, 1, 'one section per pinned video');
        assert.equal(row.video, videoFile());
        assert.equal(row.previousTitle, 'Previous version');
        assert.equal(row.currentTitle, 'This version (v1)');
        assert.equal(row.previousEmpty, 'No earlier version of this prompt has a result for this video.');
        assert.match(row.currentMeta, /^v1 · sha256 [0-9a-f]{8} · .+ on cpu · /);
        // The tiny model's eight tokens never parse into an answer: an unparsed critique shows no score, never 0.
        const unparsed = readResult(resultFile(1)).status === 'unparsed';
        assert.match(row.currentScore, unparsed ? /^—$/ : /\d/, `the score is "${row.currentScore}"`);
        assert.equal(row.currentNote, null, 'a prompt note under a result of the prompt as it is');
        assert.equal(row.scoreDirection, null, 'a score change with nothing to compare against');
        assert.match(row.note, new RegExp(`^${PROMPT_ID} v1: 1 of 1 pinned video done`));
        assert.equal(await w.page.locator(workbench.editorTab(COMPARE_TAB)).count(), 1, `no tab titled "${COMPARE_TAB}"`);
        assert.ok(existsSync(resultFile(1)), `${resultFile(1)} was not written`);
        assert.deepEqual(resultNames(), [resultName(1)]);
        const v1 = readResult(resultFile(1));
        assert.equal(v1.prompt.version, 1);
        assert.equal(v1.model.device, 'cpu');
        // The work the second run must not repeat.
        assert.equal(v1.cache?.vision_features, false, 'the first run found vision features cached already');
        assert.ok(v1.timing_ms.decode > 0 && v1.timing_ms.vision > 0, `the first run did not decode and encode the video: ${JSON.stringify(v1.timing_ms)}`);
      });
    }));

  it('bumping the version and changing a word, then Ctrl+S, re-runs the prompt: v1 beside v2', { timeout: 240_000 }, () =>
    timed('edit and live re-run', async () => {
      const w = driver();
      const page = w.page;
      await w.step(`editing ${PROMPT_FILE}`, async () => {
        await page.locator(workbench.editorTab(PROMPT_FILE)).first().click({ timeout: 10_000 });
        await page.locator(editor.activeText).first().click({ timeout: 10_000 });
        // Line 3 is "version: 1".
        await page.keyboard.press('Control+Home');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('End');
        await page.keyboard.press('Backspace');
        await page.keyboard.type('2');
        // The last word of the user text ends the file.
        await page.keyboard.press('Control+End');
        for (let i = 0; i < OLD_WORD.length; i++) await page.keyboard.press('Backspace');
        await page.keyboard.type(NEW_WORD);
        await page.keyboard.press('Escape');
        // Back to the start of the line, so that the screenshot shows both edits.
        await page.keyboard.press('Home');
      });
      await w.waitFor(`the ${PROMPT_FILE} tab to show unsaved changes`, () => page.locator(editor.dirtyTab).count(), (count) => count === 1, { timeoutMs: 10_000 });
      await w.screenshot('prompt-edited');
      await w.step('checking that unsaved text does not run', async () => {
        assert.doesNotMatch(outputChannel(), /started \(live re-run\)/);
        assert.match(readFileSync(join(w.workspace, PROMPT_FILE), 'utf8'), /^version: 1$/m, 'the edit was saved before Ctrl+S');
      });

      await page.keyboard.press('Control+s');
      await w.waitFor(`${PROMPT_FILE} to be saved`, () => page.locator(editor.dirtyTab).count(), (count) => count === 0, { timeoutMs: 15_000 });
      await w.step('checking the saved prompt file', async () => {
        const saved = readFileSync(join(w.workspace, PROMPT_FILE), 'utf8');
        assert.equal(saved, PROMPT.replace('version: 1', 'version: 2').replace(new RegExp(`${OLD_WORD}$`), NEW_WORD), 'the edit did not land as typed');
      });

      // Nothing is clicked: the save alone runs v2 and the view shows it beside v1.
      const row = await w.waitFor(
        'the comparison view to show v2 done beside v1',
        compareRow,
        (s) => s.status === 'done' && s.currentTitle === 'This version (v2)' && s.currentMeta.startsWith('v2 ') && s.previousMeta.startsWith('v1 ') && !s.note.startsWith('Running'),
        { timeoutMs: 180_000 },
      );
      await w.screenshot('live-rerun-done');
      await w.step('checking v1 beside v2 in the comparison view', async () => {
        assert.equal(row.sections, 1);
        assert.equal(row.video, videoFile());
        assert.equal(row.previousTitle, 'Previous version');
        assert.equal(row.previousNote, 'changed', 'the v1 result is not marked as made with other prompt text');
        assert.equal(row.currentNote, null);
        assert.match(row.currentMeta, /^v2 · sha256 [0-9a-f]{8} · .+ on cpu · /);
        assert.notEqual(row.previousMeta.split(' · ')[1], row.currentMeta.split(' · ')[1], 'v1 and v2 show the same prompt sha256');
        // Between two unparsed critiques there is no score to compare; otherwise the change has a direction.
        const bothUnparsed = readResult(resultFile(1)).status === 'unparsed' && readResult(resultFile(2)).status === 'unparsed';
        if (bothUnparsed) assert.equal(row.scoreDirection, 'none', 'no score change between two unparsed critiques');
        else assert.ok(row.scoreDirection !== null && ['up', 'down', 'same'].includes(row.scoreDirection), `score change direction ${row.scoreDirection}`);
        // Two critiques: their violations side by side, or the line saying neither found one.
        assert.ok(row.violationChanges > 0 || row.noViolations, 'neither a violation diff nor "Neither version found a violation."');
        assert.match(row.note, new RegExp(`^${PROMPT_ID} v2: 1 of 1 pinned video done`));
        assert.equal(await page.locator(workbench.editorTab(COMPARE_TAB)).count(), 1, `not one tab titled "${COMPARE_TAB}"`);
        assert.ok(existsSync(resultFile(1)), `${resultFile(1)} is gone`);
        assert.ok(existsSync(resultFile(2)), `${resultFile(2)} was not written`);
        assert.deepEqual(
          resultNames(),
          [resultName(1), resultName(2)],
        );
      });
      // The save started it, as a live re-run (the code lens started the first run).
      const log = await w.waitFor(
        'the Cosmos Critic output channel to log the live re-run of v2',
        async () => outputChannel(),
        (text) => new RegExp(`${PROMPT_ID} v2 \\(.*\\) on 1 pinned video: started \\(live re-run\\)`).test(text) && text.includes(resultFile(2)),
        { timeoutMs: 20_000 },
      );
      await w.step('checking the output channel', async () => {
        assert.equal(log.match(/: started \(run\)/g)?.length ?? 0, 1, 'not one run started from the code lens');
        assert.match(log, new RegExp(`${PROMPT_ID} v1 \\(.*\\) on 1 pinned video: started \\(run\\)`));
      });
    }));

  it('the re-run after the edit decoded no video and ran no vision encoder', { timeout: 30_000 }, () =>
    timed('vision cache', async () => {
      const w = driver();
      await w.step('checking the result files', async () => {
        const v1 = readResult(resultFile(1));
        const v2 = readResult(resultFile(2));
        assert.equal(v2.prompt.version, 2);
        assert.notEqual(v2.prompt.sha256, v1.prompt.sha256);
        assert.equal(v2.video.sha256, v1.video.sha256);
        assert.deepEqual(v2.sampling, v1.sampling, 'the sampling plan changed with the prompt text');
        // A new answer (the prompt text changed), from the vision features the first run cached.
        assert.deepEqual(v2.cache, { result: false, vision_features: true });
        assert.equal(v2.timing_ms.decode, 0, `v2 decoded the video: ${JSON.stringify(v2.timing_ms)}`);
        assert.equal(v2.timing_ms.vision, 0, `v2 ran the vision encoder: ${JSON.stringify(v2.timing_ms)}`);
        assert.ok(v2.timing_ms.prefill > 0, `v2 did not run the model on the new prompt: ${JSON.stringify(v2.timing_ms)}`);
      });
    }));
});
