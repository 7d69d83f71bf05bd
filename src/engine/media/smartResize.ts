/**
 * qwen-vl-utils' size and frame-count arithmetic, reproduced exactly (Python's round() rounds half to even,
 * torch.linspace works in float32), so that our frames match the reference pipeline's frame for frame.
 */

export const IMAGE_FACTOR = 28;
export const MAX_RATIO = 200;

/** Python's built-in round(): ties go to the even integer. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export const roundByFactor = (n: number, factor: number): number => roundHalfEven(n / factor) * factor;
export const ceilByFactor = (n: number, factor: number): number => Math.ceil(n / factor) * factor;
export const floorByFactor = (n: number, factor: number): number => Math.floor(n / factor) * factor;

export interface ResizedSize {
  height: number;
  width: number;
}

/** Dimensions divisible by `factor`, total pixels within [minPixels, maxPixels], aspect ratio kept as closely as possible. */
export function smartResize(
  height: number,
  width: number,
  factor: number,
  minPixels: number,
  maxPixels: number,
): ResizedSize {
  if (Math.max(height, width) / Math.min(height, width) > MAX_RATIO) {
    throw new RangeError(
      `aspect ratio ${(Math.max(height, width) / Math.min(height, width)).toFixed(1)} exceeds the model's limit of ${MAX_RATIO}`,
    );
  }
  let h = Math.max(factor, roundByFactor(height, factor));
  let w = Math.max(factor, roundByFactor(width, factor));
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = Math.max(factor, floorByFactor(height / beta, factor));
    w = Math.max(factor, floorByFactor(width / beta, factor));
  } else if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    h = ceilByFactor(height * beta, factor);
    w = ceilByFactor(width * beta, factor);
  }
  return { height: h, width: w };
}

/** `torch.linspace(start, end, steps).round().long()` with torch's float32 arithmetic and half-to-even rounding. */
export function torchLinspaceRound(start: number, end: number, steps: number): number[] {
  const f = Math.fround;
  if (steps <= 0) return [];
  if (steps === 1) return [roundHalfEven(f(start))];
  const step = f(f(f(end) - f(start)) / f(steps - 1));
  const halfway = Math.floor(steps / 2);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const value = i < halfway ? f(f(start) + f(step * i)) : f(f(end) - f(step * (steps - i - 1)));
    out.push(roundHalfEven(value));
  }
  return out;
}
