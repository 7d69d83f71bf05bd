// Temporal localisation answers: a JSON list of events with "start", "end" (as "mm:ss.ff", "ss.ff" or seconds) and a
// caption, as Cosmos Reason 2 writes them — often inside a code fence, sometimes with prose around it.

export interface TimelineEvent {
  start_s: number | null;
  end_s: number | null;
  caption: string;
  /** Set when a time had to be changed to be used, or could not be read. */
  issue?: 'clamped' | 'swapped' | 'unreadable';
  /** The times as the model wrote them. */
  start_raw: unknown;
  end_raw: unknown;
}

export interface TimelineRead {
  events: TimelineEvent[];
  /** ok: JSON read and every event usable; partial: some events or times unusable; failed: no JSON list found. */
  parse: 'ok' | 'partial' | 'failed';
}

const CLOCK = /^(?:(\d+):)?(\d{1,3}):(\d{1,2}(?:[.,]\d+)?)$/;
const SECONDS = /^(\d+(?:[.,]\d+)?)\s*(?:s|sec|secs|seconds?)?$/i;

/** "01:02.50" → 62.5, "1:02:03" → 3723, "12.5" / "12.5s" / 12.5 → 12.5; null for anything else. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim().replace(/^["'`]+|["'`]+$/g, '');
  const clock = CLOCK.exec(text);
  if (clock) {
    const [, h, m, s] = clock;
    const seconds = Number(s!.replace(',', '.'));
    if (seconds >= 60 || (h !== undefined && Number(m) >= 60)) return null;
    return Number(h ?? 0) * 3600 + Number(m) * 60 + seconds;
  }
  const plain = SECONDS.exec(text);
  return plain ? Number(plain[1]!.replace(',', '.')) : null;
}

const FENCE = /```[a-z]*\s*\n?([\s\S]*?)```/gi;

/** The first bracket-balanced JSON value starting at `from` (strings respected), or null. */
function balancedFrom(text: string, from: number): string | null {
  const open = text[from];
  const close = open === '[' ? ']' : '}';
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) return c === close ? text.slice(from, i + 1) : null;
    }
  }
  return null;
}

function tryJson(text: string): unknown {
  for (const candidate of [text, text.replace(/,\s*([\]}])/g, '$1')]) {
    try {
      return JSON.parse(candidate);
    } catch {
      // try the next repair
    }
  }
  return undefined;
}

const LIST_KEYS = ['events', 'violations', 'anomalies', 'results', 'segments'];

function asList(json: unknown): unknown[] | null {
  if (Array.isArray(json)) return json;
  if (json && typeof json === 'object') {
    const record = json as Record<string, unknown>;
    for (const key of LIST_KEYS) if (Array.isArray(record[key])) return record[key] as unknown[];
    if ('start' in record || 'end' in record) return [record];
  }
  return null;
}

/** The event list in an answer: fenced JSON first, then the first JSON list or object in the text. */
function findList(answer: string): unknown[] | null {
  const places = [...answer.matchAll(FENCE)].map((m) => m[1]!);
  places.push(answer);
  for (const place of places) {
    for (let i = 0; i < place.length; i++) {
      if (place[i] !== '[' && place[i] !== '{') continue;
      const slice = balancedFrom(place, i);
      if (!slice) continue;
      const list = asList(tryJson(slice));
      if (list) return list;
    }
  }
  return null;
}

const pick = (record: Record<string, unknown>, keys: string[]): unknown => keys.map((k) => record[k]).find((v) => v !== undefined);

/**
 * Reads a temporal-localisation answer into events with times in seconds. Times outside [0, duration] are clamped and
 * flagged, a start after its end is swapped and flagged, an unreadable time is kept as null and flagged: no event is
 * dropped silently.
 */
export function readTimeline(answer: string, durationS: number | null): TimelineRead {
  const list = findList(answer);
  if (!list) return { events: [], parse: 'failed' };
  let complete = true;
  const events: TimelineEvent[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      complete = false;
      continue;
    }
    const record = item as Record<string, unknown>;
    const startRaw = pick(record, ['start', 'start_time', 'begin', 'from']);
    const endRaw = pick(record, ['end', 'end_time', 'stop', 'to']);
    const captionValue = pick(record, ['caption', 'description', 'event', 'violation', 'text']);
    const caption = typeof captionValue === 'string' ? captionValue.trim() : captionValue === undefined ? '' : JSON.stringify(captionValue);
    let start = parseTimestamp(startRaw);
    let end = endRaw === undefined ? start : parseTimestamp(endRaw);
    let issue: TimelineEvent['issue'];
    if (start === null || end === null) {
      issue = 'unreadable';
      complete = false;
      start ??= end;
      end ??= start;
    }
    if (start !== null && end !== null) {
      if (start > end) {
        [start, end] = [end, start];
        issue ??= 'swapped';
      }
      if (durationS !== null && Number.isFinite(durationS) && durationS > 0 && (end > durationS || start > durationS)) {
        start = Math.min(start, durationS);
        end = Math.min(end, durationS);
        issue ??= 'clamped';
      }
      start = Math.round(start * 1000) / 1000;
      end = Math.round(end * 1000) / 1000;
    }
    events.push({ start_s: start, end_s: end, caption, start_raw: startRaw, end_raw: endRaw, ...(issue && { issue }) });
  }
  return { events, parse: complete ? 'ok' : 'partial' };
}
