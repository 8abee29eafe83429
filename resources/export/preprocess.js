// petcognizer's preprocessing in plain JavaScript: the sidecar's preprocess_rules for a browser.
// The browser decodes (createImageBitmap, EXIF orientation 'from-image', no colour management);
// this file does the rest exactly as Pillow does: alpha onto white (Pillow's paste rounding),
// Image.reduce for large shrinks (reducing_gap 3.0), Pillow's antialiased separable resample
// (fixed point, 22 bits, horizontal pass first), the centre crop. What a browser cannot do is
// libjpeg's reduced-scale (DCT) decoding of large JPEGs (rule 2): such photos may differ slightly.
'use strict';

const PRECISION_BITS = 22;
const FILTERS = {
  bilinear: {support: 1.0, f: (x) => { x = Math.abs(x); return x < 1.0 ? 1.0 - x : 0.0; }},
  bicubic: {support: 2.0, f: (x) => {
    const a = -0.5; x = Math.abs(x);
    if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
  }},
  box: {support: 0.5, f: (x) => (x > -0.5 && x <= 0.5 ? 1.0 : 0.0)},
};

// An RGB image: {w, h, data: Uint8Array(w * h * 3)}.
function fromRGBA(rgba, w, h) {
  // alpha onto white as Pillow's paste(img, mask=alpha) rounds it
  const out = new Uint8Array(w * h * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3];
    for (let c = 0; c < 3; c++) {
      const t = 255 * (255 - a) + rgba[i + c] * a + 128;
      out[j++] = (t + (t >> 8)) >> 8;
    }
  }
  return {w, h, data: out};
}

function coeffs(inSize, in0, in1, outSize, filter) {
  const scale = (in1 - in0) / outSize;
  const fscale = Math.max(scale, 1.0);
  const support = filter.support * fscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    const ss = 1.0 / fscale;
    let xmin = Math.trunc(center - support + 0.5); if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5); if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0.0;
    for (let x = 0; x < xmax; x++) { const w = filter.f((x + xmin - center + 0.5) * ss); k[x] = w; ww += w; }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0.0 ? k[x] / ww : k[x];
      kk[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS))
                                 : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin; bounds[xx * 2 + 1] = xmax;
  }
  return {ksize, bounds, kk};
}

function clip8(v) { v = Math.floor(v / (1 << PRECISION_BITS)); return v < 0 ? 0 : v > 255 ? 255 : v; }

function resampleH(img, y0, rows, outW, c) {
  const out = new Uint8Array(outW * rows * 3);
  for (let y = 0; y < rows; y++) {
    const row = (y + y0) * img.w * 3;
    for (let xx = 0; xx < outW; xx++) {
      const xmin = c.bounds[xx * 2], xmax = c.bounds[xx * 2 + 1], kb = xx * c.ksize;
      for (let ch = 0; ch < 3; ch++) {
        let ss = 1 << (PRECISION_BITS - 1);
        for (let x = 0; x < xmax; x++) ss += img.data[row + (x + xmin) * 3 + ch] * c.kk[kb + x];
        out[(y * outW + xx) * 3 + ch] = clip8(ss);
      }
    }
  }
  return {w: outW, h: rows, data: out};
}

function resampleV(img, outH, c, shift) {
  const out = new Uint8Array(img.w * outH * 3);
  for (let yy = 0; yy < outH; yy++) {
    const ymin = c.bounds[yy * 2] - shift, ymax = c.bounds[yy * 2 + 1], kb = yy * c.ksize;
    for (let x = 0; x < img.w; x++) {
      for (let ch = 0; ch < 3; ch++) {
        let ss = 1 << (PRECISION_BITS - 1);
        for (let y = 0; y < ymax; y++) ss += img.data[((y + ymin) * img.w + x) * 3 + ch] * c.kk[kb + y];
        out[(yy * img.w + x) * 3 + ch] = clip8(ss);
      }
    }
  }
  return {w: img.w, h: outH, data: out};
}

// Pillow's ImagingResample: box = [x0, y0, x1, y1] in source pixels (floats).
function resample(img, outW, outH, filter, box) {
  const needH = outW !== img.w || box[0] !== 0 || box[2] !== outW;
  const needV = outH !== img.h || box[1] !== 0 || box[3] !== outH;
  const ch = coeffs(img.w, box[0], box[2], outW, filter);
  const cv = coeffs(img.h, box[1], box[3], outH, filter);
  const first = cv.bounds[0], last = cv.bounds[outH * 2 - 2] + cv.bounds[outH * 2 - 1];
  let cur = img, shift = 0;
  if (needH) { cur = resampleH(img, first, last - first, outW, ch); shift = first; }
  if (needV) cur = resampleV(cur, outH, cv, shift);
  return cur;
}

// Pillow's Image.reduce((fx, fy), box): the mean of each block, rounded as Pillow does.
function reduce(img, fx, fy, box) {
  const [bx, by, bx1, by1] = box, bw = bx1 - bx, bh = by1 - by;
  const ow = Math.ceil(bw / fx), oh = Math.ceil(bh / fy);
  const out = new Uint8Array(ow * oh * 3);
  for (let y = 0; y < oh; y++) {
    const ys = by + y * fy, ye = Math.min(ys + fy, by + bh);
    for (let x = 0; x < ow; x++) {
      const xs = bx + x * fx, xe = Math.min(xs + fx, bx + bw);
      const n = (ye - ys) * (xe - xs);
      const mult = Math.trunc(Math.fround(4294967296 / Math.fround(256 * n)));
      const amend = Math.trunc(n / 2);
      for (let c = 0; c < 3; c++) {
        let ss = amend;
        for (let yy = ys; yy < ye; yy++) for (let xx = xs; xx < xe; xx++) ss += img.data[(yy * img.w + xx) * 3 + c];
        out[(y * ow + x) * 3 + c] = Math.floor((ss * mult) / 16777216) & 255;
      }
    }
  }
  return {w: ow, h: oh, data: out};
}

// Pillow's Image.resize(size, filter, box, reducing_gap=3.0).
function resize(img, outW, outH, name, box) {
  const filter = FILTERS[name];
  if (!filter) throw new Error(`interpolation ${name} is not implemented in preprocess.js`);
  box = box || [0, 0, img.w, img.h];
  if (outW === img.w && outH === img.h && box[0] === 0 && box[1] === 0 && box[2] === img.w && box[3] === img.h) return img;
  const gap = 3.0;
  const fx = Math.trunc((box[2] - box[0]) / outW / gap) || 1;
  const fy = Math.trunc((box[3] - box[1]) / outH / gap) || 1;
  if (fx > 1 || fy > 1) {
    const sup = filter.support - 0.5;
    const sx = sup * (box[2] - box[0]) / outW, sy = sup * (box[3] - box[1]) / outH;
    const rb = [Math.max(0, Math.trunc(box[0] - sx)), Math.max(0, Math.trunc(box[1] - sy)),
                Math.min(img.w, Math.ceil(box[2] + sx)), Math.min(img.h, Math.ceil(box[3] + sy))];
    img = reduce(img, fx, fy, rb);
    box = [(box[0] - rb[0]) / fx, (box[1] - rb[1]) / fy, (box[2] - rb[0]) / fx, (box[3] - rb[1]) / fy];
  }
  return resample(img, outW, outH, filter, box);
}

function crop(img, left, top, s) {
  const out = new Uint8Array(s * s * 3);
  for (let y = 0; y < s; y++) {
    out.set(img.data.subarray(((top + y) * img.w + left) * 3, ((top + y) * img.w + left + s) * 3), y * s * 3);
  }
  return {w: s, h: s, data: out};
}

// Python's round(): halves to even.
function pyRound(v) {
  const f = Math.floor(v), d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

// Rules 6-7: uint8 [s, s, 3] (as a flat Uint8Array) from an RGB image.
function resizeCrop(img, pre) {
  const s = pre.input_size, scale = pre.resize / Math.min(img.w, img.h);
  const nw = Math.max(s, pyRound(img.w * scale)), nh = Math.max(s, pyRound(img.h * scale));
  const left = Math.floor((nw - s) / 2), top = Math.floor((nh - s) / 2);
  if (nw * nh > 16000000) {
    const sx = img.w / nw, sy = img.h / nh;
    return resize(img, s, s, pre.interpolation, [left * sx, top * sy, (left + s) * sx, (top + s) * sy]).data;
  }
  return crop(resize(img, nw, nh, pre.interpolation), left, top, s).data;
}

// A File/Blob -> the graph input (Uint8Array of s * s * 3).
async function photoPixels(blob, pre) {
  const bmp = await createImageBitmap(blob, {imageOrientation: 'from-image', premultiplyAlpha: 'none',
                                             colorSpaceConversion: 'none'});
  const canvas = new OffscreenCanvas(bmp.width, bmp.height);
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  ctx.drawImage(bmp, 0, 0);
  const rgba = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
  const img = fromRGBA(rgba, bmp.width, bmp.height);
  bmp.close();
  return resizeCrop(img, pre);
}

if (typeof module !== 'undefined') module.exports = {fromRGBA, resize, resizeCrop, pyRound, photoPixels};
