import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readLabels } from '../../src/engine/eval/labels';
import { LabelStore, mergeLabels, parseLabelEntries, type LabelEntry } from '../../src/engine/labels/labelStore';
import { readReviewPosition, resumeIndex, saveReviewPosition } from '../../src/engine/labels/reviewPosition';
import { withFileLock } from '../../src/engine/store/fileLock';

const scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-labels-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(scratch, `run${n++}`, 'labels.jsonl');

function clock(startMs = Date.parse('2026-01-01T00:00:00Z')) {
  let t = startMs;
  return () => new Date((t += 1000));
}

describe('label store', () => {
  it('writes each change at once, in the format eval --labels reads', async () => {
    const file = freshFile();
    const store = await LabelStore.open(file, { user: 'ana', now: clock() });
    await store.set('clips/ball.mp4', 'good', []);
    await store.set('clips/cup.mp4', 'bad', [{ start_s: 1.2, end_s: 2, category: 'gravity', source: 'critic' }], [{ start_s: 3, end_s: 3.5, category: 'collision', source: 'critic' }]);
    await store.set('robot-07.mp4', 2, [{ start_s: 0.25, end_s: 0.5, category: 'object permanence', source: 'added' }]);
    const read = await readLabels(file);
    assert.equal(read.format, 'cosmos');
    assert.deepEqual(
      read.labels.map((l) => [l.video, l.good, l.score5, l.violations]),
      [
        ['clips/ball.mp4', true, null, []],
        ['clips/cup.mp4', false, null, [{ start_s: 1.2, end_s: 2, category: 'gravity' }]],
        ['robot-07.mp4', false, 2, [{ start_s: 0.25, end_s: 0.5, category: 'object permanence' }]],
      ],
    );
    const rows = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LabelEntry);
    assert.deepEqual(rows.map((r) => [r.labeled_by, r.labeled_at]), [
      ['ana', '2026-01-01T00:00:01.000Z'],
      ['ana', '2026-01-01T00:00:02.000Z'],
      ['ana', '2026-01-01T00:00:03.000Z'],
    ]);
    assert.deepEqual(rows[1]!.rejected_violations, [{ start_s: 3, end_s: 3.5, category: 'collision', source: 'critic' }]);
    // Nothing but the labels file stays in the folder: no temporary file, no lock.
    assert.deepEqual(readdirSync(join(file, '..')), ['labels.jsonl']);
  });

  it('changes a label in place and removes it on undo', async () => {
    const file = freshFile();
    const store = await LabelStore.open(file, { user: 'ana', now: clock() });
    await store.set('a.mp4', 'good', []);
    await store.set('b.mp4', 'good', []);
    await store.set('a.mp4', 4, []);
    await store.remove('b.mp4');
    const again = await LabelStore.open(file, { user: 'bo' });
    assert.deepEqual(again.all().map((e) => [e.video, e.label]), [['a.mp4', 4]]);
  });

  it('keeps the file whole when a write fails: the old labels stay and the change is written on the next try', async () => {
    const file = freshFile();
    const store = await LabelStore.open(file, { user: 'ana', now: clock(), timeoutMs: 200, staleMs: 60_000 });
    await store.set('a.mp4', 'good', []);
    writeFileSync(`${file}.lock`, 'held by another process\n');
    await assert.rejects(store.set('b.mp4', 'bad', []), /held this lock/);
    assert.deepEqual(parseLabelEntries(readFileSync(file, 'utf8'), file).map((e) => e.video), ['a.mp4']);
    assert.equal(store.get('b.mp4')?.label, 'bad', 'the change is kept in memory');
    rmSync(`${file}.lock`);
    await store.flush();
    assert.deepEqual(parseLabelEntries(readFileSync(file, 'utf8'), file).map((e) => e.video), ['a.mp4', 'b.mp4']);
  });

  it('clears a lock left by a process that died', async () => {
    const file = freshFile();
    const store = await LabelStore.open(file, { user: 'ana', staleMs: 50 });
    await store.set('seed.mp4', 'good', []);
    writeFileSync(`${file}.lock`, '999999 dead\n');
    await new Promise((r) => setTimeout(r, 120));
    await store.set('a.mp4', 'good', []);
    assert.equal(existsSync(`${file}.lock`), false);
    assert.equal((await LabelStore.open(file, { user: 'x' })).all().length, 2);
  });

  it('two stores on one file never lose each other\'s labels; the later change of a video wins', async () => {
    const file = freshFile();
    const t = clock();
    const ana = await LabelStore.open(file, { user: 'ana', now: t });
    const bo = await LabelStore.open(file, { user: 'bo', now: t });
    await ana.set('a.mp4', 'good', []);
    await bo.set('b.mp4', 'bad', []);
    await ana.set('shared.mp4', 'good', []);
    await bo.set('shared.mp4', 'bad', []);
    // ana's view is older than the file, yet her next write keeps bo's labels.
    await ana.set('c.mp4', 1, []);
    const all = (await LabelStore.open(file, { user: 'x' })).all();
    assert.deepEqual(all.map((e) => [e.video, e.label, e.labeled_by]), [
      ['a.mp4', 'good', 'ana'],
      ['b.mp4', 'bad', 'bo'],
      ['c.mp4', 1, 'ana'],
      ['shared.mp4', 'bad', 'bo'],
    ]);
    await ana.reload();
    assert.equal(ana.get('b.mp4')?.labeled_by, 'bo');
  });

  it('merge keeps a later label on disk over an older pending change, and an undo removes only what it knew', () => {
    const disk: LabelEntry[] = [{ video: 'a.mp4', label: 'bad', violations: [], labeled_by: 'bo', labeled_at: '2026-01-01T00:00:05.000Z' }];
    const older = { entry: { ...disk[0]!, label: 'good' as const, labeled_by: 'ana', labeled_at: '2026-01-01T00:00:04.000Z' }, at: '2026-01-01T00:00:04.000Z' };
    assert.equal(mergeLabels(disk, new Map([['a.mp4', older]])).get('a.mp4')?.labeled_by, 'bo');
    assert.equal(mergeLabels(disk, new Map([['a.mp4', { entry: null, at: '2026-01-01T00:00:04.000Z' }]])).has('a.mp4'), true);
    assert.equal(mergeLabels(disk, new Map([['a.mp4', { entry: null, at: '2026-01-01T00:00:06.000Z' }]])).has('a.mp4'), false);
  });

  it('two writer processes labelling at the same time lose nothing', async () => {
    const file = freshFile();
    const writer = join(import.meta.dirname, '..', 'fixtures', 'labelWriter.ts');
    const run = (user: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', writer, file, user, '40'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${user} exited ${code}: ${stderr}`))));
      });
    await Promise.all([run('ana'), run('bo')]);
    const entries = parseLabelEntries(readFileSync(file, 'utf8'), file);
    assert.equal(entries.length, 81);
    for (const user of ['ana', 'bo']) {
      for (let i = 0; i < 40; i++) {
        const e = entries.find((x) => x.video === `${user}-${i}.mp4`);
        assert.ok(e, `${user}-${i}.mp4 is kept`);
        assert.equal(e.label, i % 2 ? 'bad' : 'good');
        assert.equal(e.violations.length, i % 2);
      }
    }
    assert.equal(entries.find((e) => e.video === 'both.mp4')?.label, 3);
    assert.equal((await readLabels(file)).labels.length, 81);
  });

  it('reports a broken line with the file and line', () => {
    const file = freshFile();
    const text = '{"video":"a.mp4","label":"good","violations":[]}\n{"video":"b.mp4","label":"maybe"}\n';
    assert.throws(() => parseLabelEntries(text, file), (err: Error) => err.message.startsWith(`${file}:2: label "maybe"`));
  });
});

describe('withFileLock', () => {
  it('runs holders one at a time', async () => {
    const lock = join(scratch, 'one-at-a-time.lock');
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        withFileLock(lock, async () => {
          most = Math.max(most, ++inside);
          await new Promise((r) => setTimeout(r, 5));
          inside--;
        }),
      ),
    );
    assert.equal(most, 1);
    assert.equal(existsSync(lock), false);
  });
});

describe('review position', () => {
  const order = ['a', 'b', 'c', 'd'];
  it('resumes at the last video while it has no label, else the next unlabelled one after it', () => {
    assert.equal(resumeIndex(order, () => false, null), 0);
    assert.equal(resumeIndex(order, () => false, 'c'), 2);
    assert.equal(resumeIndex(order, (v) => v === 'c', 'c'), 3);
    assert.equal(resumeIndex(order, (v) => v !== 'b', 'c'), 1, 'wraps round');
    assert.equal(resumeIndex(order, () => true, 'c'), 2, 'all labelled: the last one shown');
    assert.equal(resumeIndex(order, (v) => v === 'a', 'gone'), 1, 'a video no longer in the list: the first unlabelled');
    assert.equal(resumeIndex([], () => false, 'a'), -1);
  });

  it('is saved beside the labels file and read back', async () => {
    const file = freshFile();
    assert.equal(await readReviewPosition(file), null);
    await saveReviewPosition(file, 'clips/cup.mp4', new Date('2026-01-02T03:04:05Z'));
    assert.deepEqual(await readReviewPosition(file), { video: 'clips/cup.mp4', at: '2026-01-02T03:04:05.000Z' });
  });
});
