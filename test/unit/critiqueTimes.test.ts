import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractTimes, findTimeMentions } from '../../src/engine/critique/extractTimes';

const moment = (s: number) => ({ start_s: s, end_s: s });
const range = (start_s: number, end_s: number) => ({ start_s, end_s });

describe('extractTimes', () => {
  const cases: [string, { start_s: number; end_s: number }][] = [
    ['The ball rises at 12s.', moment(12)],
    ['The ball rises at 12 s.', moment(12)],
    ['It floats at 12.5 seconds into the clip.', moment(12.5)],
    ['At 0:12 the cup vanishes.', moment(12)],
    ['At 00:01:05 the arm stops.', moment(65)],
    ['The box reappears at 1m 5s.', moment(65)],
    ['It happens at 1 min 5 s.', moment(65)],
    ['The glass flickers between 3.5 and 4 s.', range(3.5, 4)],
    ['It clips through the wall from 3.5s to 4s.', range(3.5, 4)],
    ['Water flows upward at 3.5–4 s.', range(3.5, 4)],
    ['The hand merges with the cup 3.5-4.0s into the video.', range(3.5, 4)],
    ['Around the 2 second mark the ball floats.', moment(2)],
    ['At the 2-second mark the ball floats.', moment(2)],
    ['Contact is lost at t=3.2s.', moment(3.2)],
    ['Contact is lost at t = 3.2.', moment(3.2)],
    ['The timestamp 1.25s shows the ball above the table.', moment(1.25)],
    ['The overlay reads 1.25s when the ball stops in mid-air.', moment(1.25)],
    ['At timestamp 1.25 the cup splits.', moment(1.25)],
    ['From 0:03 to 0:05 the person slides.', range(3, 5)],
    ['At 500ms the block jumps.', moment(0.5)],
    ['Within the first 2 seconds the ball hovers.', range(0, 2)],
    ['The ball hovers at 1s and again at 3s.', range(1, 3)],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => assert.deepEqual(extractTimes(text), expected));
  }

  it('maps frame numbers through the frames the model saw', () => {
    const frameTimes = Array.from({ length: 16 }, (_, i) => i * 0.25);
    assert.deepEqual(extractTimes('In frames 8–12 the cup vanishes.', frameTimes), range(2, 3));
    assert.deepEqual(extractTimes('In frames 8 to 12 the cup vanishes.', frameTimes), range(2, 3));
    assert.deepEqual(extractTimes('From frame 8 to frame 12 the cup vanishes.', frameTimes), range(2, 3));
    assert.deepEqual(extractTimes('In frame 8 the cup vanishes.', frameTimes), moment(2));
    assert.deepEqual(extractTimes('In frame #5 the cup vanishes.', { fps: 2 }), moment(2.5));
  });

  it('leaves frames it cannot place without a time', () => {
    assert.equal(extractTimes('In frames 8–12 the cup vanishes.'), null);
    assert.equal(extractTimes('In frame 40 the cup vanishes.', [0, 0.5, 1]), null);
    // The frame number is not then read as anything else.
    assert.deepEqual(findTimeMentions('frames 8-12 s'), []);
  });

  it('does not read sizes, counts, ordinals or lengths of time as moments', () => {
    for (const text of [
      'There are 2 balls on the table.',
      'A 3D render of a kitchen.',
      'The 2nd object rolls left.',
      'The ball falls 2m onto the floor.',
      'The ball floats for 2 seconds.',
      'It hovers for about 2-3 seconds.',
      'Two seconds later it lands; 2 seconds later it bounces.',
      'It lands 3 seconds after the drop.',
      'A 5-second clip of a robot.',
      'The clip is 10 s long.',
      'It takes 2 s to fall.',
      'The video is 16:9.',
      'Cars from the 1990s drive past.',
      'The robot takes 3 steps.',
      'Between 2 and 3 balls roll off.',
      'The arm moves 4 to 5 objects.',
      'It repeats every 2 seconds.',
      'Shown at 30 frames per second.',
    ]) {
      assert.equal(extractTimes(text), null, text);
    }
  });

  it('lists every mention in reading order with its words', () => {
    const mentions = findTimeMentions('At 1.5s the cup tilts; between 3 and 4 s it floats; at 0:06 it lands.');
    assert.deepEqual(
      mentions.map((m) => [m.text, m.start_s, m.end_s]),
      [['1.5s', 1.5, 1.5], ['between 3 and 4 s', 3, 4], ['0:06', 6, 6]],
    );
  });

  it('never throws on odd input', () => {
    for (const text of ['', ':', '0:', '-', 'frames', 't=', '1.2.3s', '99:99', '\u0000']) assert.doesNotThrow(() => extractTimes(text));
  });
});
