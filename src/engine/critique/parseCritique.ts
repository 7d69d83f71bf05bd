import type { CritiqueComponent, CritiqueTrial, ParseStatus, YesNo } from '../../shared/result';
import { cleanText, closeTagPattern, findOpenTags, firstIndexOf, nameFromAttributes, openTagPattern, readTag } from './looseTags';
import { readAnomalyFlag, readYesNo } from './yesNo';

const THINK_CLOSE = closeTagPattern('think');
const ANSWER_OPEN = openTagPattern('answer');
const COMPONENT_OPEN = openTagPattern('component');
const COMPONENT_CLOSE = closeTagPattern('component');
const ANALYSIS_OPEN = openTagPattern('analysis');
const ANOMALY_OPEN = openTagPattern('anomaly');
const ANY_TAG = /</;

const ESCAPED_TEMPLATE = /&lt;\s*\/?\s*(?:think|overview|component|analysis|anomaly|answer)\b/i;
const FENCE_LINE = /^[ \t]*(?:```|~~~)[^\n]*$/gm;

// "Answer: No", "**Final answer:** yes", "The answer is No.", "## Answer⏎No" — the last one in the text wins.
const ANSWER_LINE = /(?:^|\n)[ \t>*_#\-]*(?:(?:the|my)\s+)?(?:final\s+)?answer[ \t*_]*(?:\s+is\b)?[ \t*_]*[:：=\-–—]?[ \t*_"'`]*(?:\n[ \t>*_"'`]*)?(yes|no)\b/gi;
const ANOMALY_LINE = /\banomal(?:y|ies)(?:\s+(?:detected|present|found))?[ \t*_]*[:：=\-–—][ \t*_"'`]*(yes|no|none|true|false)\b/i;

function normalise(raw: string): string {
  let text = raw.replace(/\r\n?/g, '\n');
  // Answers saved through an HTML or XML writer come back with their tags escaped.
  if (ESCAPED_TEMPLATE.test(text)) text = text.replace(/&lt;/gi, '<').replace(/&gt;/gi, '>').replace(/&quot;/gi, '"');
  return text.replace(FENCE_LINE, '');
}

interface AnswerRead {
  answer: YesNo | null;
  /** Where the answer section starts, so that the reasoning before it can be told apart. */
  index: number;
}

/** "No", or a short sentence with a single kind of yes/no word in it: "Based on the analysis, yes." */
function answerInTag(content: string): YesNo | null {
  const direct = readYesNo(content);
  if (direct || content.length > 200) return direct;
  const words = new Set((content.match(/\b(?:yes|no)\b/gi) ?? []).map((w) => w.toLowerCase()));
  if (words.size !== 1 || /yes\s*\|\s*no|no\s*\|\s*yes/i.test(content)) return null;
  return words.has('yes') ? 'Yes' : 'No';
}

function readAnswer(text: string): AnswerRead {
  const tags = findOpenTags(text, 'answer');
  // The last answer that reads as Yes/No wins: earlier ones may be the template echoed in the reasoning.
  for (let i = tags.length - 1; i >= 0; i--) {
    const tag = tags[i]!;
    const section = readTag(text, 'answer', [ANY_TAG], tag.index);
    const answer = section ? answerInTag(cleanText(section.content)) : null;
    if (answer) return { answer, index: tag.index };
  }
  const firstTag = tags[0]?.index ?? text.length;

  const thinkClose = closeTagPattern('think').exec(text);
  if (thinkClose) {
    const after = cleanText(text.slice(thinkClose.index + thinkClose[0].length));
    const answer = readYesNo(after.split('\n')[0] ?? '');
    if (answer) return { answer, index: Math.min(firstTag, thinkClose.index) };
  }

  let last: RegExpExecArray | null = null;
  for (const m of text.matchAll(ANSWER_LINE)) last = m;
  if (last) return { answer: readYesNo(last[1]!), index: Math.min(firstTag, last.index) };

  // A bare "No." — what a model gives when it skips the reasoning altogether.
  const whole = cleanText(text);
  if (whole.length <= 12) {
    const answer = readYesNo(whole);
    if (answer) return { answer, index: 0 };
  }
  return { answer: null, index: firstTag };
}

function readComponent(body: string, attributes: string, ordinal: number): CritiqueComponent {
  let name = cleanText(nameFromAttributes(attributes));
  const nameTag = readTag(body, 'name', [ANY_TAG]);
  if (!name && nameTag) name = cleanText(nameTag.content);
  if (!name) name = `Component ${ordinal}`;

  const anomalyTag = readTag(body, 'anomaly', [ANY_TAG]);
  let anomaly = anomalyTag ? readAnomalyFlag(cleanText(anomalyTag.content)) : null;
  const flagLine = anomalyTag ? null : ANOMALY_LINE.exec(body);
  if (flagLine) anomaly = readAnomalyFlag(flagLine[1]!);

  const analysisTag = readTag(body, 'analysis', [ANOMALY_OPEN, COMPONENT_OPEN]);
  let analysis: string;
  if (analysisTag) {
    analysis = cleanText(analysisTag.content);
  } else {
    // No <analysis> tag: the component's own prose, without its name and anomaly parts.
    let prose = body;
    if (anomalyTag) prose = prose.slice(0, firstIndexOf(prose, [ANOMALY_OPEN], 0));
    if (nameTag) prose = prose.replace(/<\s*name[^<>]*>[^<]*(?:<\s*\/\s*name\s*>)?/i, '');
    if (flagLine) prose = prose.replace(flagLine[0], '');
    analysis = cleanText(prose);
  }
  return { name, analysis, anomaly };
}

function readComponents(text: string, to: number): CritiqueComponent[] {
  const opens = findOpenTags(text, 'component', 0, to);
  return opens.map((open, i) => {
    const next = opens[i + 1]?.index ?? to;
    const end = firstIndexOf(text, [COMPONENT_CLOSE, THINK_CLOSE, ANSWER_OPEN], open.contentStart, next);
    return readComponent(text.slice(open.contentStart, end), open.attributes, i + 1);
  });
}

function statusOf(overviewTagged: boolean, components: CritiqueComponent[], answer: YesNo | null): ParseStatus {
  if (!answer) return 'failed';
  const complete = overviewTagged && components.length > 0 && components.every((c) => c.anomaly !== null);
  return complete ? 'ok' : 'partial';
}

function parseNormalised(raw: string): CritiqueTrial {
  const text = normalise(raw);
  const { answer, index: answerIndex } = readAnswer(text);
  const thinkEnd = firstIndexOf(text, [THINK_CLOSE], 0, answerIndex);

  const overviewTag = readTag(text, 'overview', [COMPONENT_OPEN, THINK_CLOSE, ANSWER_OPEN, ANALYSIS_OPEN], 0, thinkEnd);
  let overview = overviewTag ? cleanText(overviewTag.content) : '';
  const overviewTagged = overview.length > 0;
  const components = readComponents(text, thinkEnd);

  if (!overviewTagged && components.length === 0 && answer) {
    // No template structure at all: the free reasoning before the answer is the best overview there is.
    const prose = text.slice(0, answerIndex).replace(ANSWER_LINE, '');
    overview = cleanText(prose);
  }
  return {
    overview: overview.length > 0 ? overview : null,
    components,
    answer,
    raw,
    parse: statusOf(overviewTagged, components, answer),
  };
}

/**
 * Reads one answer in NVIDIA's video-critic template (<think><overview/><component name=…>
 * <analysis/><anomaly/></component>…</think><answer/>), tolerating what a 7B model really writes.
 * "ok": overview, components with flags and the answer all read; "partial": an answer with less
 * structure; "failed": no answer found. Never throws; `raw` is always kept as given.
 */
export function parseCritique(raw: string): CritiqueTrial {
  const text = typeof raw === 'string' ? raw : String(raw ?? '');
  try {
    return parseNormalised(text);
  } catch {
    // Defensive only: a parser bug must cost one trial, never the whole video.
    return { overview: null, components: [], answer: null, raw: text, parse: 'failed' };
  }
}
