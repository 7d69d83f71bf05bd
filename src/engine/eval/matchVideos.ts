import { isAbsolute, join, normalize, sep } from 'node:path';

export interface MatchOutcome<L, R> {
  pairs: Array<{ label: L; result: R }>;
  /** Entries naming no result. */
  unmatched: L[];
  /** Entries whose name fits several results: listed, never guessed. */
  ambiguous: Array<{ entry: L; candidates: string[] }>;
  /** Results no entry names. */
  unlabelled: R[];
}

const segments = (path: string) => path.split(/[\\/]+/).filter(Boolean);

/** path.normalize, skipped for the common case of a path that is already normal (it costs microseconds each). */
const normalPath = (path: string) => (/\/\/|\/\.|\\|\/$/.test(path) ? normalize(path) : path);

/**
 * Pairs entries that name a video (an absolute path, a path under the videos' root, a path ending, or a file name)
 * with results (each an absolute video path). A name matches the results whose path ends with it; when the full name
 * fits none, its shorter endings are tried, down to the file name. Only a single fitting result counts as a match.
 */
export function matchVideos<L, R>(entries: readonly L[], nameOf: (entry: L) => string, results: readonly R[], pathOf: (result: R) => string, videosRoot: string): MatchOutcome<L, R> {
  const byPath = new Map<string, R[]>();
  const byBase = new Map<string, R[]>();
  const normalized = new Map<R, string>();
  const push = (map: Map<string, R[]>, key: string, r: R) => {
    const list = map.get(key);
    if (list) list.push(r);
    else map.set(key, [r]);
  };
  for (const r of results) {
    const path = normalPath(pathOf(r));
    normalized.set(r, path);
    push(byPath, path, r);
    push(byBase, path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1), r);
  }
  const outcome: MatchOutcome<L, R> = { pairs: [], unmatched: [], ambiguous: [], unlabelled: [] };
  const used = new Set<R>();
  for (const entry of entries) {
    const name = nameOf(entry);
    const exact = byPath.get(isAbsolute(name) ? normalPath(name) : /^\.|\/\.|\/\/|\\/.test(name) ? join(videosRoot, name) : `${videosRoot.replace(/[\\/]+$/, '')}${sep}${name}`);
    let found: R[] = exact ?? [];
    if (!exact) {
      const parts = segments(name);
      const candidates = byBase.get(parts[parts.length - 1] ?? '') ?? [];
      for (let k = parts.length; k >= 1 && candidates.length; k--) {
        const tail = sep + parts.slice(-k).join(sep);
        const fits = candidates.filter((r) => normalized.get(r)!.endsWith(tail));
        if (fits.length) {
          found = fits;
          break;
        }
      }
    }
    // Several results of one video (prompts × models) come as one path; distinct paths are ambiguous.
    const paths = [...new Set(found.map((r) => normalized.get(r)!))];
    if (paths.length === 0) outcome.unmatched.push(entry);
    else if (paths.length > 1) outcome.ambiguous.push({ entry, candidates: paths.slice(0, 5) });
    // Two entries naming one video (say "a/clip.mp4" and "clip.mp4"): neither is trusted over the other.
    else if (found.some((r) => used.has(r))) outcome.ambiguous.push({ entry, candidates: paths });
    else
      for (const result of found) {
        outcome.pairs.push({ label: entry, result });
        used.add(result);
      }
  }
  outcome.unlabelled = results.filter((r) => !used.has(r));
  return outcome;
}
