/**
 * The two bicubic resizes the reference pipelines apply to decoded RGB frames, re-implemented exactly:
 *
 * - `torchvision`: qwen-vl-utils' `transforms.functional.resize(..., BICUBIC, antialias=True)` on a uint8 video, i.e.
 *   torch's antialiased bicubic in float32 (width pass, then height pass, float kept between them), then clamp to
 *   [0, 255] and round half to even.
 * - `pillow`: the Cosmos-Reason1 reward script's `PIL.Image.resize(..., BICUBIC)`: weights in double quantised to 22
 *   fractional bits, width pass rounded and clamped to uint8, then the height pass.
 *
 * Both use Keys' cubic with a = −0.5, widened by the scale when downscaling (antialiasing), the window cut at the
 * image edge and the weights renormalised.
 */
export type ResizeKernel = 'torchvision' | 'pillow';

export interface RgbImage {
  width: number;
  height: number;
  /** Packed RGB, `height` rows of `width * 3` bytes. */
  data: Uint8Array;
}

interface Taps<W extends Float32Array | Int32Array> {
  /** First input index of each output's window. */
  start: Int32Array;
  /** Window length of each output. */
  count: Int32Array;
  /** `maxTaps` weights per output (unused tail is 0). */
  weights: W;
  maxTaps: number;
}

const f32 = Math.fround;

function keysCubicF32(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) {
    let v = f32(1.5 * x);
    v = f32(v - 2.5);
    v = f32(v * x);
    v = f32(v * x);
    return f32(v + 1);
  }
  if (x < 2) {
    let v = f32(a * x);
    v = f32(v - 5 * a);
    v = f32(v * x);
    v = f32(v + 8 * a);
    v = f32(v * x);
    return f32(v - 4 * a);
  }
  return 0;
}

function keysCubicF64(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/** torch `_compute_indices_min_size_weights_aa` for bicubic, in float32. */
function torchTaps(inSize: number, outSize: number): Taps<Float32Array> {
  const scale = f32(inSize / outSize);
  const support = scale >= 1 ? f32(2 * scale) : 2;
  const invScale = scale >= 1 ? f32(1 / scale) : 1;
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float32Array(outSize * maxTaps);
  for (let i = 0; i < outSize; i++) {
    const center = f32(scale * (i + 0.5));
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    let total = 0;
    for (let j = 0; j < hi - lo; j++) {
      const w = keysCubicF32(f32((f32(f32(j + lo) - center) + 0.5) * invScale));
      weights[i * maxTaps + j] = w;
      total = f32(total + w);
    }
    if (total !== 0) for (let j = 0; j < hi - lo; j++) weights[i * maxTaps + j] = f32(weights[i * maxTaps + j]! / total);
    start[i] = lo;
    count[i] = hi - lo;
  }
  return { start, count, weights, maxTaps };
}

const PRECISION_BITS = 32 - 8 - 2;

/** Pillow `precompute_coeffs` + `normalize_coeffs_8bpc` for BICUBIC. */
function pillowTaps(inSize: number, outSize: number): Taps<Int32Array> {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * maxTaps);
  const pre = new Float64Array(maxTaps);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    let total = 0;
    for (let j = 0; j < hi - lo; j++) {
      pre[j] = keysCubicF64((j + lo - center + 0.5) / filterScale);
      total += pre[j]!;
    }
    for (let j = 0; j < hi - lo; j++) {
      const w = total !== 0 ? pre[j]! / total : pre[j]!;
      weights[i * maxTaps + j] = Math.trunc(w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
    }
    start[i] = lo;
    count[i] = hi - lo;
  }
  return { start, count, weights, maxTaps };
}

/** Round half to even, for values already clamped to [0, 255]. */
function roundHalfEven255(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && (r & 1) === 1 ? r - 1 : r;
}

function clip8(sum: number): number {
  if (sum >= 1 << (PRECISION_BITS + 8)) return 255;
  if (sum <= 0) return 0;
  return sum >> PRECISION_BITS;
}

function resizeTorch(src: RgbImage, outW: number, outH: number): Uint8Array {
  const { width: inW, height: inH, data } = src;
  // Width pass into float32 rows (skipped when the width is unchanged: the weights would be the identity).
  let mid: Float32Array;
  if (outW === inW) {
    mid = Float32Array.from(data);
  } else {
    const tx = torchTaps(inW, outW);
    const weights = tx.weights;
    const starts = tx.start;
    const counts = tx.count;
    const maxTaps = tx.maxTaps;
    mid = new Float32Array(inH * outW * 3);
    for (let y = 0; y < inH; y++) {
      const row = y * inW * 3;
      const outRow = y * outW * 3;
      for (let x = 0; x < outW; x++) {
        const base = x * maxTaps;
        const n = counts[x]!;
        let p = row + starts[x]! * 3;
        let w = weights[base]!;
        let r = f32(data[p]! * w);
        let g = f32(data[p + 1]! * w);
        let b = f32(data[p + 2]! * w);
        for (let k = 1; k < n; k++) {
          p += 3;
          w = weights[base + k]!;
          r = f32(r + f32(data[p]! * w));
          g = f32(g + f32(data[p + 1]! * w));
          b = f32(b + f32(data[p + 2]! * w));
        }
        mid[outRow + x * 3] = r;
        mid[outRow + x * 3 + 1] = g;
        mid[outRow + x * 3 + 2] = b;
      }
    }
  }
  const out = new Uint8Array(outH * outW * 3);
  const stride = outW * 3;
  if (outH === inH) {
    for (let i = 0; i < out.length; i++) out[i] = roundHalfEven255(Math.min(255, Math.max(0, mid[i]!)));
    return out;
  }
  const ty = torchTaps(inH, outH);
  const weights = ty.weights;
  // Row by row over the window: each tap scales a whole input row into the float32 accumulator row.
  const acc = new Float32Array(stride);
  for (let y = 0; y < outH; y++) {
    const base = y * ty.maxTaps;
    const n = ty.count[y]!;
    const first = ty.start[y]! * stride;
    let w = weights[base]!;
    for (let i = 0; i < stride; i++) acc[i] = mid[first + i]! * w;
    for (let k = 1; k < n; k++) {
      w = weights[base + k]!;
      const row = first + k * stride;
      for (let i = 0; i < stride; i++) acc[i] = acc[i]! + f32(mid[row + i]! * w);
    }
    const outRow = y * stride;
    for (let i = 0; i < stride; i++) out[outRow + i] = roundHalfEven255(Math.min(255, Math.max(0, acc[i]!)));
  }
  return out;
}

function resizePillow(src: RgbImage, outW: number, outH: number): Uint8Array {
  const { width: inW, height: inH, data } = src;
  const half = 1 << (PRECISION_BITS - 1);
  let mid: Uint8Array;
  if (outW === inW) {
    mid = data;
  } else {
    const tx = pillowTaps(inW, outW);
    const weights = tx.weights;
    const starts = tx.start;
    const counts = tx.count;
    const maxTaps = tx.maxTaps;
    mid = new Uint8Array(inH * outW * 3);
    for (let y = 0; y < inH; y++) {
      const row = y * inW * 3;
      const outRow = y * outW * 3;
      for (let x = 0; x < outW; x++) {
        const base = x * maxTaps;
        const n = counts[x]!;
        let p = row + starts[x]! * 3;
        let r = half;
        let g = half;
        let b = half;
        for (let k = 0; k < n; k++, p += 3) {
          const w = weights[base + k]!;
          r += data[p]! * w;
          g += data[p + 1]! * w;
          b += data[p + 2]! * w;
        }
        mid[outRow + x * 3] = clip8(r);
        mid[outRow + x * 3 + 1] = clip8(g);
        mid[outRow + x * 3 + 2] = clip8(b);
      }
    }
  }
  if (outH === inH) return mid === data ? Uint8Array.from(data) : mid;
  const out = new Uint8Array(outH * outW * 3);
  const stride = outW * 3;
  const ty = pillowTaps(inH, outH);
  const weights = ty.weights;
  const acc = new Int32Array(stride);
  for (let y = 0; y < outH; y++) {
    const base = y * ty.maxTaps;
    const n = ty.count[y]!;
    const first = ty.start[y]! * stride;
    acc.fill(half);
    for (let k = 0; k < n; k++) {
      const w = weights[base + k]!;
      const row = first + k * stride;
      for (let i = 0; i < stride; i++) acc[i] = acc[i]! + mid[row + i]! * w;
    }
    const outRow = y * stride;
    for (let i = 0; i < stride; i++) out[outRow + i] = clip8(acc[i]!);
  }
  return out;
}

/** Resizes a packed RGB image with the reference's kernel; the same size returns a copy. */
export function resizeRgb(src: RgbImage, width: number, height: number, kernel: ResizeKernel): Uint8Array {
  if (src.data.length !== src.width * src.height * 3) throw new RangeError(`image data holds ${src.data.length} bytes, ${src.width}x${src.height} RGB needs ${src.width * src.height * 3}`);
  if (!(width >= 1 && height >= 1)) throw new RangeError(`cannot resize to ${width}x${height}`);
  return kernel === 'pillow' ? resizePillow(src, width, height) : resizeTorch(src, width, height);
}
