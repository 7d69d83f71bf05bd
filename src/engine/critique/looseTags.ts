// Tolerant reading of the critic template's pseudo-XML: tags in any case, with stray spaces,
// attributes in any quoting, and closing tags that may be missing because generation stopped.

export const TEMPLATE_TAGS = ['think', 'overview', 'component', 'analysis', 'anomaly', 'answer', 'name'] as const;
type TemplateTag = (typeof TEMPLATE_TAGS)[number];

export interface TagMatch {
  /** Index of the "<" of the opening tag. */
  index: number;
  /** Text between "<name" and ">" (attributes). */
  attributes: string;
  /** Index just after the opening tag. */
  contentStart: number;
}

export function openTagPattern(tag: TemplateTag): RegExp {
  return new RegExp(String.raw`<\s*${tag}(?![a-z0-9_-])([^<>]*)>`, 'gi');
}

export function closeTagPattern(tag: TemplateTag): RegExp {
  return new RegExp(String.raw`<\s*/\s*${tag}\s*>`, 'gi');
}

export function findOpenTags(text: string, tag: TemplateTag, from = 0, to = text.length): TagMatch[] {
  const pattern = openTagPattern(tag);
  pattern.lastIndex = from;
  const found: TagMatch[] = [];
  for (let m = pattern.exec(text); m && m.index < to; m = pattern.exec(text)) {
    found.push({ index: m.index, attributes: m[1] ?? '', contentStart: m.index + m[0].length });
  }
  return found;
}

/** Index of the first match of any of the patterns in [from, to), or `to`. */
export function firstIndexOf(text: string, patterns: RegExp[], from: number, to = text.length): number {
  // Searching a slice keeps every scan inside its own section: no quadratic time on long, unclosed answers.
  const region = text.slice(from, to);
  let best = region.length;
  for (const source of patterns) {
    const m = new RegExp(source.source, source.flags.replace('g', '')).exec(region);
    if (m && m.index < best) best = m.index;
  }
  return from + best;
}

export interface TagContent {
  content: string;
  /** Whether the closing tag was present (false when the text was cut off or the model skipped it). */
  closed: boolean;
  /** Index just after the content (and its closing tag when present). */
  end: number;
}

/** Content of the first `<tag>` in [from, to): up to its closing tag, or up to the first `stops` match. */
export function readTag(text: string, tag: TemplateTag, stops: RegExp[], from = 0, to = text.length): TagContent | null {
  const open = findOpenTags(text, tag, from, to)[0];
  if (!open) return null;
  const stopAt = firstIndexOf(text, stops, open.contentStart, to);
  // The closing tag counts when it comes before the first stop, or is that stop ("<" of "</tag>").
  const closeAt = firstIndexOf(text, [closeTagPattern(tag)], open.contentStart, stopAt);
  const closing = new RegExp(closeTagPattern(tag).source, 'iy');
  closing.lastIndex = closeAt;
  const m = closing.exec(text);
  if (m && closeAt + m[0].length <= to) {
    return { content: text.slice(open.contentStart, closeAt), closed: true, end: closeAt + m[0].length };
  }
  return { content: text.slice(open.contentStart, stopAt), closed: false, end: stopAt };
}

const ANY_TEMPLATE_TAG = new RegExp(String.raw`<\s*/?\s*(?:${TEMPLATE_TAGS.join('|')})(?![a-z0-9_-])[^<>]*>`, 'gi');

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&#39;': "'", '&amp;': '&' };

/** Text as a reader sees it: template tags removed, entities decoded, blank runs collapsed. */
export function cleanText(text: string): string {
  return text
    .replace(ANY_TEMPLATE_TAG, ' ')
    .replace(/&(?:lt|gt|quot|apos|amp|#39);/gi, (e) => ENTITIES[e.toLowerCase()] ?? e)
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n[\s]*/g, '\n')
    .trim();
}

/** The value of a `name` attribute in any quoting; without one, whatever the attribute text says. */
export function nameFromAttributes(attributes: string): string {
  const quoted = /\bname\s*=\s*(?:"([^"]*)"|'([^']*)'|“([^”]*)”|‘([^’]*)’)/i.exec(attributes);
  if (quoted) return (quoted[1] ?? quoted[2] ?? quoted[3] ?? quoted[4] ?? '').trim();
  const bare = /\bname\s*=\s*(.*)$/is.exec(attributes);
  if (bare) {
    // Unquoted values may hold spaces ("name=Red Ball"), so they run up to the next attribute.
    return bare[1]!.split(/\s+[\w-]+\s*=/)[0]!.replace(/\/\s*$/, '').trim();
  }
  return attributes.replace(/^[\s:=\-–]+/, '').replace(/[\s/]+$/, '').replace(/^["']|["']$/g, '').trim();
}
