/**
 * Qwen2.5-VL's 3-D rotary positions (`get_rope_index`) for one sequence with at most one video: text tokens count up
 * on all three planes; the video block takes temporal = ⌊k · second_per_grid_t · tokens_per_second⌋ (float32, as torch
 * computes it) and the merged grid row/column, offset by the text before it; text after resumes at max + 1.
 */
/**
 * How the temporal step is scaled: `float` multiplies by second_per_grid_t as a float (vLLM; transformers 4.49–4.51
 * and ≥ 5.18); `truncate` casts second_per_grid_t to an integer first (transformers 4.52–5.17), so every temporal
 * position is 0 when a clip is sampled faster than 2 fps.
 */
export type TimeRule = 'float' | 'truncate';
export const TIME_RULES: readonly TimeRule[] = ['float', 'truncate'];

export interface VideoSpan {
  /** Index of the first `<|video_pad|>` token. */
  start: number;
  /** Grid after the spatial merge: temporal steps, merged rows, merged columns. */
  t: number;
  h: number;
  w: number;
  secondPerGridT: number;
  tokensPerSecond: number;
  timeRule?: TimeRule;
}

export interface RopePositions {
  /** [3, seq] flattened plane by plane (t, then h, then w). */
  positionIds: BigInt64Array;
  /** Position of the next token appended after the sequence (max position + 1), the same on every plane. */
  nextPosition: number;
}

export function ropePositions(seqLength: number, video?: VideoSpan): RopePositions {
  const ids = new BigInt64Array(3 * seqLength);
  const set = (i: number, t: number, h: number, w: number) => {
    ids[i] = BigInt(t);
    ids[seqLength + i] = BigInt(h);
    ids[2 * seqLength + i] = BigInt(w);
  };
  let next = 0;
  let i = 0;
  if (video) {
    for (; i < video.start; i++) set(i, i, i, i);
    const f = Math.fround;
    const truncate = video.timeRule === 'truncate';
    const secondPerGridT = truncate ? Math.trunc(video.secondPerGridT) : f(video.secondPerGridT);
    let max = video.start - 1;
    for (let k = 0; k < video.t; k++) {
      const temporal = truncate ? k * secondPerGridT * video.tokensPerSecond : Math.trunc(f(f(k * secondPerGridT) * video.tokensPerSecond));
      for (let r = 0; r < video.h; r++) {
        for (let c = 0; c < video.w; c++, i++) {
          set(i, video.start + temporal, video.start + r, video.start + c);
          max = Math.max(max, video.start + temporal, video.start + r, video.start + c);
        }
      }
    }
    next = max + 1;
  }
  for (; i < seqLength; i++, next++) set(i, next, next, next);
  return { positionIds: ids, nextPosition: next };
}
