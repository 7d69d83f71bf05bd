// Qwen3-style answers: `<think>…</think>` then the answer in plain text — or, behind vLLM's `qwen3` reasoning parser,
// the thinking in a separate `reasoning` (older releases: `reasoning_content`) field and only the answer in `content`.

export interface ModelAnswer {
  /** `message.content` (streamed: the joined `delta.content`). */
  content: string;
  /** `message.reasoning` / `message.reasoning_content` (streamed: the joined deltas), when the server splits it off. */
  reasoning?: string | null;
}

export interface SplitAnswer {
  thinking: string | null;
  /** The answer text, without `<think>` and without `<answer>` tags. */
  answer: string;
  /** Where the thinking came from. */
  source: 'field' | 'think-tags' | 'none';
  /**
   * The server's reasoning field held the whole output and `content` was empty: a reasoning parser that found no
   * `</think>` to split at. The answer is read from the reasoning text instead of being lost.
   */
  answerFromReasoning: boolean;
  /** Generation stopped inside the thinking: there is no answer. */
  truncated: boolean;
}

const THINK_OPEN = /<\s*think\s*>/i;
const THINK_CLOSE = /<\s*\/\s*think\s*>/i;
const ANSWER_TAG = /<\s*answer\s*>([\s\S]*?)(?:<\s*\/\s*answer\s*>|$)/i;

function withoutAnswerTags(text: string): string {
  const m = ANSWER_TAG.exec(text);
  return (m ? m[1]! : text).trim();
}

/** Splits `<think>…</think>answer`; a missing `<think>` (put in the prompt by the chat template) is fine. */
function splitTagged(text: string): { thinking: string | null; answer: string; truncated: boolean } {
  const close = THINK_CLOSE.exec(text);
  if (close) {
    const before = text.slice(0, close.index);
    const open = THINK_OPEN.exec(before);
    return { thinking: (open ? before.slice(open.index + open[0].length) : before).trim(), answer: text.slice(close.index + close[0].length), truncated: false };
  }
  const open = THINK_OPEN.exec(text);
  if (open) return { thinking: text.slice(open.index + open[0].length).trim(), answer: '', truncated: true };
  return { thinking: null, answer: text, truncated: false };
}

export function splitThinking(raw: ModelAnswer): SplitAnswer {
  const content = (raw.content ?? '').replace(/\r\n?/g, '\n');
  const field = (raw.reasoning ?? '').replace(/\r\n?/g, '\n');
  if (field.trim()) {
    if (content.trim()) {
      // Content may still carry a stray "</think>" or a second think block.
      const rest = splitTagged(content);
      return { thinking: field.trim(), answer: withoutAnswerTags(rest.answer), source: 'field', answerFromReasoning: false, truncated: false };
    }
    const inner = splitTagged(field);
    if (inner.thinking !== null && !inner.truncated && inner.answer.trim()) {
      return { thinking: inner.thinking, answer: withoutAnswerTags(inner.answer), source: 'field', answerFromReasoning: true, truncated: false };
    }
    return { thinking: null, answer: withoutAnswerTags(inner.answer || field), source: 'none', answerFromReasoning: true, truncated: false };
  }
  const tagged = splitTagged(content);
  return {
    thinking: tagged.thinking,
    answer: withoutAnswerTags(tagged.answer),
    source: tagged.thinking === null ? 'none' : 'think-tags',
    answerFromReasoning: false,
    truncated: tagged.truncated,
  };
}

/** The answer as one text in Reason 1's shape, for readers of the critic template: `<think>…</think>` + answer. */
export function joinedText(raw: ModelAnswer): string {
  // Untrimmed, so that it is exactly the text streamed to the user (the thinking wrapped in <think>, then the answer).
  const field = raw.reasoning ?? '';
  return field.trim() ? `<think>\n${field}\n</think>\n${raw.content ?? ''}` : raw.content ?? '';
}
