// Reads the moments a critique names ("at 2.5s", "0:12", "between 3.5 and 4 s", "frames 8–12")
// as seconds into the video, so that violations can be marked on the player's timeline.

/** The frames the model saw: their times in seconds (frame i → times[i]), or a rate (frame i → i / fps). */
export type FrameTimes = readonly number[] | { fps: number };

export interface TimeSpan {
  start_s: number;
  end_s: number;
}

export interface TimeMention extends TimeSpan {
  /** Where the mention starts in the text, and its words. */
  index: number;
  text: string;
}

const NUM = String.raw`\d+(?:\.\d+)?`;
const UNIT = String.raw`(?:milliseconds?|msecs?|ms|seconds?|secs?|s)(?![a-z0-9])`;
const CLOCK = String.raw`(?<![\w.:])\d{1,2}:[0-5]\d(?::[0-5]\d)?(?:\.\d+)?(?![\d:])`;
const RANGE_JOIN = String.raw`(?<join>\s*[-–—]\s*|\s+(?:to|till|until|through|and)\s+)`;

const PATTERNS = {
  clockRange: new RegExp(String.raw`(?<pre>\b(?:between|from)\s+)?(?<a>${CLOCK})${RANGE_JOIN}(?<b>${CLOCK})`, 'gi'),
  clock: new RegExp(CLOCK, 'g'),
  secondsRange: new RegExp(
    String.raw`(?<pre>\b(?:between|from)\s+)?(?<![\w.:])(?<a>${NUM})(?:\s*(?<ua>${UNIT}))?${RANGE_JOIN}(?<b>${NUM})(?![\d.:])(?:\s*(?<ub>${UNIT}))?`,
    'gi',
  ),
  minutesSeconds: new RegExp(String.raw`(?<![\w.:])(?<m>\d+)\s*(?:minutes?|mins?|m)\s*(?:and\s+)?(?<s>${NUM})\s*(?:seconds?|secs?|s)(?![a-z0-9])`, 'gi'),
  minutes: new RegExp(String.raw`(?<![\w.:])(?<n>${NUM})\s*(?:minutes?|mins?)(?![a-z0-9])`, 'gi'),
  seconds: new RegExp(String.raw`(?<![\w.:])(?<n>${NUM})(?<hyphen>\s*-\s*)?\s*(?<u>${UNIT})`, 'gi'),
  tEquals: new RegExp(String.raw`\bt\s*=\s*(?<n>${NUM})(?:\s*(?<u>${UNIT}))?`, 'gi'),
  timestamp: new RegExp(String.raw`\btimestamps?\s*(?:of\s+|at\s+|is\s+|[:=#]\s*)?(?<n>${NUM})(?![\d.:])(?:\s*(?<u>${UNIT}))?`, 'gi'),
  frames: new RegExp(
    String.raw`\bframes?\s*(?:#\s*|no\.?\s*|number\s+)?(?<a>\d+)(?![\d.])(?:${RANGE_JOIN}(?:frames?\s*(?:#\s*|no\.?\s*)?)?(?<b>\d+)(?![\d.]))?`,
    'gi',
  ),
};

// Words just before a number of seconds that make it a moment, or a length of time; others
// ("about", "the", "approximately") decide nothing and the next word back is looked at.
const MOMENT_CUES = new Set(['at', 'around', 'near', 'by', 'after', 'from', 'until', 'till', 'since', 'starting', 'beginning', 'timestamp', 'time', 'mark', 'before']);
const DURATION_CUES = new Set(['for', 'lasting', 'lasts', 'last', 'lasted', 'final', 'over', 'within', 'every', 'each', 'takes', 'take', 'took', 'taking', 'spanning', 'spans', 'span', 'least', 'most', 'per', 'duration', 'length', 'only', 'just', 'a', 'an', 'another', 'several', 'few']);
// Words just after it that make it an offset from some other event: "2 seconds later", "3 s after the drop".
const OFFSET_FOLLOWERS = new Set(['later', 'earlier', 'before', 'after', 'apart', 'ago', 'afterwards', 'prior']);
// Words just after it that make it a length, unless a word before said it is a moment.
const DURATION_FOLLOWERS = new Set(['long', 'clip', 'video', 'videos', 'duration', 'interval', 'intervals', 'span', 'period', 'window', 'delay', 'pause', 'gap', 'loop', 'exposure', 'each', 'per', 'of', 'or', 'more', 'less', 'fewer']);
const MARK_WORDS = new Set(['mark', 'point', 'timestamp', 'time', 'moment']);
// Words that may follow the bare second number of a range ("from 3.5s to 4 the ball…") and still end it.
const RANGE_FOLLOWERS = new Set(['and', 'when', 'where', 'while', 'as', 'the', 'in', 'into', 'during', 'of', 'it', 'its', 'which', 'then', 'before', 'after', 'mark']);

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

function unitScale(unit: string | undefined): number {
  return unit && /^(?:ms|msecs?|milliseconds?)$/i.test(unit) ? 0.001 : 1;
}

function clockSeconds(clock: string): number {
  return clock.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

function wordsBefore(text: string, index: number): string[] {
  const clause = text.slice(Math.max(0, index - 48), index).split(/[.,;:!?()\[\]\n]/).pop() ?? '';
  return clause.toLowerCase().match(/[a-z]+/g) ?? [];
}

function wordAfter(text: string, end: number): string {
  return /^\s*([a-z]+)/i.exec(text.slice(end, end + 24))?.[1]?.toLowerCase() ?? '';
}

type Reading = 'moment' | 'duration' | 'first';

/** Whether "N seconds" at [index, end) is a moment in the video, a length of time, or "the first N seconds". */
function readingOf(text: string, index: number, end: number): Reading {
  const next = wordAfter(text, end);
  if (OFFSET_FOLLOWERS.has(next)) return 'duration';
  for (const word of wordsBefore(text, index).slice(-3).reverse()) {
    if (word === 'first') return 'first';
    if (MOMENT_CUES.has(word)) return 'moment';
    if (DURATION_CUES.has(word)) return 'duration';
  }
  return DURATION_FOLLOWERS.has(next) ? 'duration' : 'moment';
}

function frameTime(frame: number, frameTimes: FrameTimes | undefined): number | null {
  if (!frameTimes) return null;
  if ('fps' in frameTimes && !Array.isArray(frameTimes)) {
    return frameTimes.fps > 0 && Number.isFinite(frameTimes.fps) ? frame / frameTimes.fps : null;
  }
  const time = (frameTimes as readonly number[])[frame];
  return typeof time === 'number' && Number.isFinite(time) ? time : null;
}

interface Candidate {
  index: number;
  length: number;
  /** null: words that name a moment we cannot place (a frame without frame times); they still hide their numbers. */
  span: TimeSpan | null;
}

const span = (a: number, b: number): TimeSpan => ({ start_s: round(Math.min(a, b)), end_s: round(Math.max(a, b)) });

function* candidates(text: string, frameTimes: FrameTimes | undefined): Generator<Candidate> {
  const at = (m: RegExpMatchArray, value: TimeSpan | null): Candidate => ({ index: m.index!, length: m[0].length, span: value });

  for (const m of text.matchAll(PATTERNS.clockRange)) {
    const g = m.groups!;
    if (/and/i.test(g.join!) && !/between/i.test(g.pre ?? '')) continue;
    yield at(m, span(clockSeconds(g.a!), clockSeconds(g.b!)));
  }
  for (const m of text.matchAll(PATTERNS.clock)) yield at(m, span(clockSeconds(m[0]), clockSeconds(m[0])));

  for (const m of text.matchAll(PATTERNS.secondsRange)) {
    const g = m.groups!;
    if (!g.ua && !g.ub) continue; // "2-3 balls", "3 to 4 objects"
    if (/and/i.test(g.join!) && !/between/i.test(g.pre ?? '')) continue; // "at 2s and 3s" are two moments
    const end = m.index! + m[0].length;
    if (!g.ub) {
      const next = wordAfter(text, end);
      if (next && !RANGE_FOLLOWERS.has(next)) continue; // "from 3s to 4 objects"
    }
    const a = Number(g.a) * unitScale(g.ua ?? g.ub);
    const b = Number(g.b) * unitScale(g.ub ?? g.ua);
    if (!g.pre && readingOf(text, m.index!, end) === 'duration') continue; // "for 2-3 seconds"
    yield at(m, span(a, b));
  }

  for (const m of text.matchAll(PATTERNS.minutesSeconds)) {
    const seconds = Number(m.groups!.m) * 60 + Number(m.groups!.s);
    yield at(m, span(seconds, seconds));
  }
  for (const m of text.matchAll(PATTERNS.minutes)) {
    const reading = readingOf(text, m.index!, m.index! + m[0].length);
    if (reading === 'duration') continue;
    const seconds = Number(m.groups!.n) * 60;
    yield at(m, span(reading === 'first' ? 0 : seconds, seconds));
  }

  for (const m of text.matchAll(PATTERNS.seconds)) {
    const g = m.groups!;
    const end = m.index! + m[0].length;
    if (g.hyphen && !MARK_WORDS.has(wordAfter(text, end))) continue; // "a 5-second clip"
    if (/^\d{4}$/.test(g.n!) && /^s$/i.test(g.u!) && !/\s/.test(m[0])) continue; // "the 1990s"
    const reading = readingOf(text, m.index!, end);
    if (reading === 'duration') continue;
    const seconds = Number(g.n) * unitScale(g.u);
    yield at(m, span(reading === 'first' ? 0 : seconds, seconds));
  }

  for (const pattern of [PATTERNS.tEquals, PATTERNS.timestamp]) {
    for (const m of text.matchAll(pattern)) {
      const seconds = Number(m.groups!.n) * unitScale(m.groups!.u);
      yield at(m, span(seconds, seconds));
    }
  }

  for (const m of text.matchAll(PATTERNS.frames)) {
    const g = m.groups!;
    const a = frameTime(Number(g.a), frameTimes);
    const b = g.b === undefined ? a : frameTime(Number(g.b), frameTimes);
    yield at(m, a === null || b === null ? null : span(a, b));
  }
}

/** Every moment or range of time the text names, in reading order, in seconds. */
export function findTimeMentions(text: string, frameTimes?: FrameTimes): TimeMention[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  // Longest reading wins where patterns overlap: "from 3.5s to 4s" is one range, not two moments.
  const sorted = [...candidates(text, frameTimes)].sort((x, y) => x.index - y.index || y.length - x.length);
  const mentions: TimeMention[] = [];
  let taken = 0;
  for (const c of sorted) {
    if (c.index < taken) continue;
    taken = c.index + c.length;
    if (c.span) mentions.push({ ...c.span, index: c.index, text: text.slice(c.index, c.index + c.length).trim() });
  }
  return mentions;
}

/**
 * The stretch of the video the text points at: a range gives start and end, a single moment
 * start = end; several mentions give the span from the earliest to the latest. null when none.
 */
export function extractTimes(text: string, frameTimes?: FrameTimes): TimeSpan | null {
  const mentions = findTimeMentions(text, frameTimes);
  if (mentions.length === 0) return null;
  return {
    start_s: Math.min(...mentions.map((m) => m.start_s)),
    end_s: Math.max(...mentions.map((m) => m.end_s)),
  };
}
