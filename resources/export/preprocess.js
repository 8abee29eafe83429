// petcognizer's preprocessing in plain JavaScript: the sidecar's preprocess_rules for a browser.
// Decoding: JPEG with libjpeg-turbo compiled to WebAssembly (jpeg-turbo.wasm, from the npm package
// @cwasm/jpeg-turbo, copied in at export), the same library Pillow uses, so the pixels are Pillow's
// bit for bit, reduced-scale (DCT) decoding and raw CMYK included; TIFF (8-bit, uncompressed,
// PackBits, LZW or Deflate) with the small reader below; PNG, GIF, WebP and BMP with the browser
// (createImageBitmap, no colour management), except 16-bit greyscale PNG. EXIF orientation is read
// here as Pillow's getexif does (EXIF, then XMP), and applied here unless the browser did. The rest
// is done exactly as Pillow does: Image.reduce above 16 megapixels, the transpose, CMYK to RGB, alpha onto white (Pillow's paste
// rounding), Image.reduce for large shrinks (reducing_gap 3.0), Pillow's antialiased separable
// resample (fixed point, 22 bits, horizontal pass first), the centre crop. A photo that cannot be
// decoded exactly throws an Error saying so: the page shows it instead of a different answer.
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
// img.nc channels (3 when absent).
function reduce(img, fx, fy, box) {
  const nc = img.nc || 3;
  box = box || [0, 0, img.w, img.h];
  const [bx, by, bx1, by1] = box, bw = bx1 - bx, bh = by1 - by;
  const ow = Math.ceil(bw / fx), oh = Math.ceil(bh / fy);
  const out = new Uint8Array(ow * oh * nc);
  for (let y = 0; y < oh; y++) {
    const ys = by + y * fy, ye = Math.min(ys + fy, by + bh);
    for (let x = 0; x < ow; x++) {
      const xs = bx + x * fx, xe = Math.min(xs + fx, bx + bw);
      const n = (ye - ys) * (xe - xs);
      const mult = Math.trunc(Math.fround(4294967296 / Math.fround(256 * n)));
      const amend = Math.trunc(n / 2);
      for (let c = 0; c < nc; c++) {
        let ss = amend;
        for (let yy = ys; yy < ye; yy++) for (let xx = xs; xx < xe; xx++) ss += img.data[(yy * img.w + xx) * nc + c];
        out[(y * ow + x) * nc + c] = Math.floor((ss * mult) / 16777216) & 255;
      }
    }
  }
  return {...img, w: ow, h: oh, data: out};
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

// ------------------------------------------------------------------ decoding (rules 1-5)

const MAX_PIXELS = 100000000, MAX_ASPECT = 100, REDUCE_ABOVE = 16000000;

// A decoded image before conversion: {w, h, nc, mode, data} with mode L, LA, RGB, RGBA or CMYK
// (CMYK holding Pillow's values, i.e. Adobe-inverted as Pillow reads every CMYK JPEG).
function checkSize(w, h) {
  if (w < 1 || h < 1) throw new Error('image has no pixels');
  if (w * h > MAX_PIXELS) {
    throw new Error(`image is too large (${w}x${h} = ${Math.round(w * h / 1e6)} megapixels); resize it below 100 megapixels`);
  }
  if (Math.max(w, h) > MAX_ASPECT * Math.min(w, h)) {
    throw new Error(`image is a ${w}x${h} strip (its long side is ${Math.floor(Math.max(w, h) / Math.min(w, h))} times the short side); crop it to at most ${MAX_ASPECT}:1`);
  }
}

// --- JPEG: libjpeg-turbo's TurboJPEG API in WebAssembly (@cwasm/jpeg-turbo's jpeg-turbo.wasm).
let jpegModule = null, jpegLoadError = null;
const TJPF_RGB = 0, TJPF_GRAY = 6, TJPF_CMYK = 11;
const TJ_FACTORS = [[2, 1], [15, 8], [7, 4], [13, 8], [3, 2], [11, 8], [5, 4], [9, 8], [1, 1],
                    [7, 8], [3, 4], [5, 8], [1, 2], [3, 8], [1, 4], [1, 8]];

// Load the decoder once: a URL (the page) or the wasm bytes / a WebAssembly.Module (node tests).
async function initJpeg(src) {
  try {
    if (src instanceof WebAssembly.Module) jpegModule = src;
    else if (typeof src === 'string') jpegModule = await WebAssembly.compile(await (await fetch(src)).arrayBuffer());
    else jpegModule = await WebAssembly.compile(src);
    jpegLoadError = null;
  } catch (e) {
    jpegModule = null;
    jpegLoadError = String(e);
  }
  return jpegModule !== null;
}

function wasiStub(name) {
  return () => { if (name === 'environ_sizes_get') return 0; throw new Error(`jpeg-turbo.wasm called ${name}`); };
}
const JPEG_IMPORTS = {
  env: {setjmp: () => 0, longjmp: () => { throw new Error('libjpeg-turbo: the JPEG data is damaged'); }},
  wasi_snapshot_preview1: Object.fromEntries(['proc_exit', 'environ_sizes_get', 'environ_get', 'fd_close',
                                              'fd_seek', 'fd_write'].map((n) => [n, wasiStub(n)])),
};

// JPEG markers before the scan: the EXIF (all Exif APP1 segments, as Pillow joins them) and XMP.
function jpegMarkers(b) {
  let exif = null, xmp = null, i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xFF) { i++; continue; }
    const m = b[i + 1];
    if (m === 0xFF) { i++; continue; }
    if (m === 0xD8 || m === 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; }
    if (m === 0xDA || m === 0xD9) break;
    const n = (b[i + 2] << 8) | b[i + 3], seg = b.subarray(i + 4, i + 2 + n);
    if (m === 0xE1) {
      if (startsWith(seg, 'Exif\0\0')) {
        exif = exif ? concat(exif, seg.subarray(6)) : seg;
      } else if (startsWith(seg, 'http://ns.adobe.com/xap/1.0/\0')) {
        xmp = seg.subarray(29);
      }
    }
    i += 2 + n;
  }
  return {exif, xmp, scan: i};
}

function startsWith(b, text) {
  if (b.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[i] !== text.charCodeAt(i)) return false;
  return true;
}

function concat(a, b) { const c = new Uint8Array(a.length + b.length); c.set(a); c.set(b, a.length); return c; }

// Pillow's getexif()[0x0112] for a JPEG: the EXIF IFD0 tag, else XMP's tiff:Orientation; a damaged
// EXIF block counts as 1 (petcognizer's rule 4).
function jpegOrientation(markers) {
  try {
    let o;
    if (markers.exif) {
      const t = markers.exif.subarray(startsWith(markers.exif, 'Exif\0\0') ? 6 : 0);
      o = tiffTag(t, 0x0112);
    }
    if (o === undefined && markers.xmp) {
      const m = /tiff:Orientation(="|>)([0-9])/.exec(latin1(markers.xmp));
      if (m) o = Number(m[2]);
    }
    return o || 1;
  } catch (e) {
    return 1;
  }
}

function latin1(b) { let s = ''; for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192)); return s; }

// One IFD0 tag of a TIFF structure (undefined when absent); throws on a damaged header.
function tiffTag(t, tag) {
  const ifd = tiffIfd(t, tiffHeader(t));
  const e = ifd.get(tag);
  if (!e) return undefined;
  if (e.count !== 1) throw new Error('not a single value');
  return e.values(t)[0];
}

function tiffHeader(t) {
  if (t.length < 8) throw new Error('no TIFF header');
  const le = t[0] === 0x49 && t[1] === 0x49, be = t[0] === 0x4D && t[1] === 0x4D;
  if (!le && !be) throw new Error('not a TIFF header');
  const dv = new DataView(t.buffer, t.byteOffset, t.byteLength);
  if (dv.getUint16(2, le) !== 42) throw new Error('not a classic TIFF (BigTIFF is not read here)');
  return {dv, le, first: dv.getUint32(4, le)};
}

const TIFF_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8};

// IFD at the header's first offset: Map tag -> {type, count, values(t)}.
function tiffIfd(t, hdr) {
  const {dv, le, first} = hdr;
  const n = dv.getUint16(first, le), out = new Map();
  for (let k = 0; k < n; k++) {
    const at = first + 2 + 12 * k;
    const tag = dv.getUint16(at, le), type = dv.getUint16(at + 2, le), count = dv.getUint32(at + 4, le);
    const size = (TIFF_TYPE_SIZE[type] || 1) * count;
    const off = size <= 4 ? at + 8 : dv.getUint32(at + 8, le);
    out.set(tag, {type, count, values: () => {
      if (off + size > t.length) throw new Error('a TIFF tag points past the end of the file');
      const v = [];
      for (let j = 0; j < count; j++) {
        if (type === 3 || type === 8) v.push(dv.getUint16(off + 2 * j, le));
        else if (type === 4 || type === 9) v.push(dv.getUint32(off + 4 * j, le));
        else v.push(t[off + j]);
      }
      return v;
    }});
  }
  return out;
}

function tjScaled(d, f) { return Math.floor((d * f[0] + f[1] - 1) / f[1]); }

// A JPEG as Pillow decodes it for petcognizer (rule 2's draft included): {w, h, nc, mode, data}.
async function decodeJpeg(b, resize) {
  if (!jpegModule) {
    throw new Error('the JPEG decoder (jpeg-turbo.wasm) is not loaded' + (jpegLoadError ? ` (${jpegLoadError})` : '') +
                    ': this page would not decode JPEGs exactly as petcognizer does');
  }
  const X = (await WebAssembly.instantiate(jpegModule, JPEG_IMPORTS)).exports;  // fresh: no state left by a damaged file
  const ip = X.malloc(b.length);
  new Uint8Array(X.memory.buffer, ip, b.length).set(b);
  const handle = X.tjInitDecompress(), mp = X.malloc(16);
  if (X.tjDecompressHeader3(handle, ip, b.length, mp, mp + 4, mp + 8, mp + 12) !== 0) {
    throw new Error('the JPEG header cannot be read (damaged file)');
  }
  const [w, h, , cs] = new Int32Array(X.memory.buffer, mp, 4);
  checkSize(w, h);
  // TJCS_GRAY 2 -> L; TJCS_CMYK 3, TJCS_YCCK 4 -> CMYK; RGB, YCbCr -> RGB (Pillow's modes)
  const mode = cs === 2 ? 'L' : (cs === 3 || cs === 4) ? 'CMYK' : 'RGB';
  const nc = {L: 1, RGB: 3, CMYK: 4}[mode];
  let s = 1;
  const scale = Math.min(w, h) / resize;
  if (resize && scale >= 2) {  // Pillow's draft('RGB', (int(w / scale), int(h / scale)))
    const dw = Math.max(1, Math.trunc(w / scale)), dh = Math.max(1, Math.trunc(h / scale));
    const r = Math.min(Math.floor(w / dw), Math.floor(h / dh));
    s = r >= 8 ? 8 : r >= 4 ? 4 : r >= 2 ? 2 : 1;
  }
  const ow = Math.ceil(w / s), oh = Math.ceil(h / s);
  // TurboJPEG takes the largest scaling factor that fits ow x oh: it must be exactly 1/s
  const f = TJ_FACTORS.find((q) => tjScaled(w, q) <= ow && tjScaled(h, q) <= oh);
  if (!f || f[0] * s !== f[1]) {
    throw new Error(`libjpeg-turbo would decode this ${w}x${h} JPEG at scale ${f}, not 1/${s}`);
  }
  const op = X.malloc(ow * oh * nc);
  if (!op) throw new Error('not enough memory to decode this JPEG');
  const rc = X.tjDecompress2(handle, ip, b.length, op, ow, ow * nc, oh,
                             mode === 'L' ? TJPF_GRAY : mode === 'CMYK' ? TJPF_CMYK : TJPF_RGB, 0);
  // TurboJPEG also returns -1 for libjpeg's warnings (corrupt data it recovered from). A file that
  // ends before its end-of-image marker is truncated, which petcognizer refuses; other damage is
  // refused too: this build and Pillow's recover from it differently (docs/EXPORT.md, "Damaged
  // files": a third of such JPEGs gave other pixels than Pillow's).
  if (rc !== 0) {
    if (!hasEOI(b)) throw new Error('image file is truncated (the end of the file is missing); copy or download it again');
    throw new Error('the JPEG data is damaged (libjpeg-turbo had to recover from corrupt data), so the page ' +
                    'cannot promise petcognizer\'s answer; petcognizer predict or the bundle\'s predict.py read it');
  }
  const data = new Uint8Array(X.memory.buffer, op, ow * oh * nc).slice();
  if (mode === 'CMYK') for (let i = 0; i < data.length; i++) data[i] = 255 - data[i];  // Pillow's CMYK;I
  return {w: ow, h: oh, nc, mode, data, orientation: jpegOrientation(jpegMarkers(b))};
}

function hasEOI(b) {
  const scan = jpegMarkers(b).scan;
  for (let i = b.length - 2; i > scan; i--) if (b[i] === 0xFF && b[i + 1] === 0xD9) return true;
  return false;
}

// --- TIFF (first page): 8-bit grey, grey + alpha, RGB, RGBA, CMYK or palette, in strips,
// uncompressed, PackBits, LZW or Deflate (predictor 1 or 2). Anything else is refused by name.
const TIFF_COMPRESSION = {1: 'none', 5: 'LZW', 8: 'Deflate', 32946: 'Deflate', 32773: 'PackBits'};

async function decodeTiff(b) {
  const hdr = tiffHeader(b), ifd = tiffIfd(b, hdr);
  const get = (tag, dflt) => { const e = ifd.get(tag); return e ? e.values() : dflt; };
  const w = get(256)[0], h = get(257)[0];
  checkSize(w, h);
  const bits = get(258, [1]), spp = get(277, [1])[0], comp = get(259, [1])[0];
  const photo = get(262, [0])[0], planar = get(284, [1])[0], predictor = get(317, [1])[0];
  const extra = get(338, []), fmt = get(339, [1])[0];
  const unsupported = (what) => new Error(`this TIFF (${what}) cannot be decoded exactly in the page; ` +
                                          'petcognizer predict or the bundle\'s predict.py read it');
  if (ifd.has(322)) throw unsupported('tiled');
  if (!TIFF_COMPRESSION[comp]) throw unsupported(`compression ${comp}`);
  if (bits.some((v) => v !== 8) || fmt !== 1) throw unsupported(`${bits.join('/')}-bit samples`);
  if (planar !== 1 && spp > 1) throw unsupported('planar configuration 2');
  if (predictor !== 1 && predictor !== 2) throw unsupported(`predictor ${predictor}`);
  let mode;
  if ((photo === 0 || photo === 1) && spp === 1) mode = 'L';
  else if (photo === 1 && spp === 2 && extra[0] === 2) mode = 'LA';
  else if (photo === 2 && spp === 3) mode = 'RGB';
  else if (photo === 2 && spp === 4 && extra[0] === 2) mode = 'RGBA';
  else if (photo === 2 && spp === 4 && extra[0] === 0) mode = 'RGBX';
  else if (photo === 5 && spp === 4) mode = 'CMYK';
  else if (photo === 3 && spp === 1) mode = 'P';
  else throw unsupported(`photometric ${photo} with ${spp} samples${extra.length ? ' (extra ' + extra + ')' : ''}`);
  const offsets = get(273), counts = get(279), rps = get(278, [h])[0];
  const row = w * spp, data = new Uint8Array(row * h);
  for (let k = 0, y = 0; k < offsets.length && y < h; k++, y += rps) {
    if (offsets[k] + counts[k] > b.length) throw new Error('image file is truncated (a TIFF strip is past the end of the file)');
    const raw = b.subarray(offsets[k], offsets[k] + counts[k]);
    const want = Math.min(rps, h - y) * row;
    let strip;
    if (comp === 1) strip = raw;
    else if (comp === 32773) strip = unpackBits(raw, want);
    else if (comp === 5) strip = lzwDecode(raw, want);
    else strip = await inflate([raw], 'TIFF');
    if (strip.length < want) throw new Error('image file is truncated (a TIFF strip is short)');
    strip = strip.subarray(0, want);
    if (predictor === 2) {
      strip = strip.slice();
      for (let r = 0; r < want / row; r++) for (let x = spp; x < row; x++) strip[r * row + x] = (strip[r * row + x] + strip[r * row + x - spp]) & 255;
    }
    data.set(strip, y * row);
  }
  const img = {w, h, nc: spp, mode, data, orientation: 1};
  if (photo === 0) for (let i = 0; i < data.length; i++) data[i] = 255 - data[i];  // WhiteIsZero
  if (mode === 'RGBX') { img.mode = 'RGB'; img.nc = 3; img.data = dropChannel(data, 4); }
  if (mode === 'P') {  // Pillow: colour map values // 256; converted to RGB right away
    const cmap = get(320), n = cmap.length / 3, rgb = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = cmap[c * n + data[i]] >> 8;
    Object.assign(img, {mode: 'RGB', nc: 3, data: rgb});
  }
  try { img.orientation = (ifd.has(0x0112) ? ifd.get(0x0112).values()[0] : 1) || 1; } catch (e) { img.orientation = 1; }
  return img;
}

function dropChannel(d, nc) {
  const n = d.length / nc, out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) { out[i * 3] = d[i * nc]; out[i * 3 + 1] = d[i * nc + 1]; out[i * 3 + 2] = d[i * nc + 2]; }
  return out;
}

function unpackBits(src, want) {
  const out = new Uint8Array(want);
  let i = 0, o = 0;
  while (i < src.length && o < want) {
    const n = (src[i++] << 24) >> 24;
    if (n >= 0) { for (let k = 0; k <= n && o < want; k++) out[o++] = src[i++]; }
    else if (n !== -128) { const v = src[i++]; for (let k = 0; k < 1 - n && o < want; k++) out[o++] = v; }
  }
  return out.subarray(0, o);
}

function lzwDecode(src, want) {  // TIFF LZW (MSB first, early change)
  const out = new Uint8Array(want);
  let o = 0, bitPos = 0, width = 9, prefix = [], dict = [];
  const reset = () => { dict = []; for (let i = 0; i < 256; i++) dict.push([i]); dict.push(null, null); width = 9; };
  reset();
  let prev = null;
  while (o < want) {
    let code = 0;
    for (let k = 0; k < width; k++) {
      const byte = src[(bitPos + k) >> 3];
      if (byte === undefined) return out.subarray(0, o);
      code = (code << 1) | ((byte >> (7 - ((bitPos + k) & 7))) & 1);
    }
    bitPos += width;
    if (code === 257) break;
    if (code === 256) { reset(); prev = null; continue; }
    let entry;
    if (code < dict.length && dict[code]) entry = dict[code];
    else if (prev && code === dict.length) entry = prev.concat([prev[0]]);
    else throw new Error('the TIFF LZW data is damaged');
    for (const v of entry) { if (o < want) out[o++] = v; }
    if (prev && dict.length < 4096) dict.push(prev.concat([entry[0]]));
    prev = entry;
    if (dict.length + 1 >= (1 << width) && width < 12) width++;
  }
  return out.subarray(0, o);
}

// --- the browser's decoder (PNG, GIF, WebP, BMP): RGBA. The EXIF orientation of PNG (eXIf, or
// XMP's tiff:Orientation) and WebP (EXIF, XMP chunks) is read here as Pillow reads it, and applied
// here unless this browser applies it itself (probed once with two 2x1 images of orientation 6).
// 16-bit greyscale PNG, which a canvas cannot hold, is decoded here (rule 5's scaling).
const PROBES = {
  png: 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAGmVYSWZNTQAqAAAACAABARIAAwAAAAEABgAAAAAAANZnS2kAAAAPSURBVHicYzzBxcXAwAAABRgA3mTP+fIAAAAASUVORK5CYII=',
  webp: 'UklGRlIAAABXRUJQVlA4WAoAAAAIAAAAAQAAAAAAVlA4TBEAAAAvAQAAAAdQhSJXof+BiOh/AABFWElGGgAAAE1NACoAAAAIAAEBEgADAAAAAQAGAAAAAAAA',
};
const browserOrients = {};

async function browserApplies(kind) {
  if (!(kind in browserOrients)) {
    const bytes = Uint8Array.from(atob(PROBES[kind]), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], {type: `image/${kind}`}), {imageOrientation: 'from-image'});
    browserOrients[kind] = bmp.width === 1;
    bmp.close();
  }
  return browserOrients[kind];
}

function isPngBytes(b) { return b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4E && b[3] === 0x47; }
function isWebpBytes(b) { return b.length > 12 && startsWith(b, 'RIFF') && startsWith(b.subarray(8), 'WEBP'); }

// Chunks of a PNG (IHDR fields, IDAT data, EXIF and XMP) or of a WebP (EXIF, XMP).
function pngChunks(b) {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength), out = {idat: [], exif: null, xmp: null};
  for (let i = 8; i + 8 <= b.length;) {
    const n = dv.getUint32(i), type = latin1(b.subarray(i + 4, i + 8)), data = b.subarray(i + 8, i + 8 + n);
    if (type === 'IHDR') Object.assign(out, {w: dv.getUint32(i + 8), h: dv.getUint32(i + 12), depth: b[i + 16], colorType: b[i + 17], interlace: b[i + 20]});
    else if (type === 'IDAT') out.idat.push(data);
    else if (type === 'eXIf') out.exif = data;
    else if (type === 'iTXt' && startsWith(data, 'XML:com.adobe.xmp\0')) {
      const rest = data.subarray(18);  // compression flag, method, language\0, translated keyword\0
      let k = 2, zeros = 0;
      while (k < rest.length && zeros < 2) { if (rest[k] === 0) zeros++; k++; }
      if (rest[0] === 0) out.xmp = rest.subarray(k);
    }
    if (type === 'IEND') break;
    i += 12 + n;
  }
  return out;
}

function webpChunks(b) {
  const out = {exif: null, xmp: null};
  for (let i = 12; i + 8 <= b.length;) {
    const type = latin1(b.subarray(i, i + 4)), n = b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24);
    if (type === 'EXIF') out.exif = b.subarray(i + 8, i + 8 + n);
    else if (type === 'XMP ') out.xmp = b.subarray(i + 8, i + 8 + n);
    i += 8 + n + (n & 1);
  }
  return out;
}

async function inflate(parts, what) {
  try {
    const stream = new Blob(parts).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new Error(`the ${what} data is damaged (${e.message})`);
  }
}

// 16-bit greyscale PNG (Pillow's mode I;16), scaled to 8 bits as petcognizer's rule 5 says.
async function decodePngGrey16(info) {
  if (info.interlace) {
    throw new Error('this 16-bit greyscale PNG is interlaced, which the page cannot decode exactly; ' +
                    'petcognizer predict or the bundle\'s predict.py read it');
  }
  const {w, h} = info, raw = await inflate(info.idat, 'PNG'), stride = w * 2;
  if (raw.length < h * (stride + 1)) throw new Error('image file is truncated (the PNG data is short)');
  const cur = new Uint8Array(stride), prev = new Uint8Array(stride), v = new Uint16Array(w * h);
  let hi = 0;
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)], row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= 2 ? cur[x - 2] : 0, up = prev[x], c = x >= 2 ? prev[x - 2] : 0;
      let p;
      if (f === 0) p = 0; else if (f === 1) p = a; else if (f === 2) p = up;
      else if (f === 3) p = (a + up) >> 1;
      else if (f === 4) { const pa = Math.abs(up - c), pb = Math.abs(a - c), pc = Math.abs(a + up - 2 * c); p = pa <= pb && pa <= pc ? a : pb <= pc ? up : c; }
      else throw new Error('the PNG data is damaged (unknown filter)');
      cur[x] = (row[x] + p) & 255;
    }
    for (let x = 0; x < w; x++) { const val = (cur[2 * x] << 8) | cur[2 * x + 1]; v[y * w + x] = val; if (val > hi) hi = val; }
    prev.set(cur);
  }
  // _scale_to_l in float32: top = the first of 1, 255, 4095, 65535 holding the largest value
  const top = [1, 255, 4095, 65535].find((t) => hi <= t), k = Math.fround(255 / top), data = new Uint8Array(w * h);
  for (let i = 0; i < v.length; i++) {
    let x = Math.fround(v[i] * k);
    if (x > 255) x = 255;
    data[i] = Math.trunc(Math.fround(x + 0.5));
  }
  return {w, h, nc: 1, mode: 'L', data};
}

async function decodeBrowser(blob, bytes) {
  let orientation = 1, kind = null, markers = null;
  if (bytes && isPngBytes(bytes)) {
    kind = 'png';
    const info = markers = pngChunks(bytes);
    orientation = jpegOrientation(info);
    if (info.depth === 16 && info.colorType === 0) {
      checkSize(info.w, info.h);
      return {...await decodePngGrey16(info), orientation};
    }
  } else if (bytes && isWebpBytes(bytes)) {
    kind = 'webp';
    markers = webpChunks(bytes);
    orientation = jpegOrientation(markers);
  }
  let bmp;
  try {
    bmp = await createImageBitmap(blob, {imageOrientation: 'from-image', premultiplyAlpha: 'none',
                                         colorSpaceConversion: 'none'});
  } catch (e) {
    throw new Error('not an image this page can read (JPEG, PNG, WebP, BMP, GIF or TIFF)');
  }
  checkSize(bmp.width, bmp.height);
  const canvas = new OffscreenCanvas(bmp.width, bmp.height);
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  ctx.drawImage(bmp, 0, 0);
  const rgba = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
  const img = {w: bmp.width, h: bmp.height, nc: 4, mode: 'RGBA', data: new Uint8Array(rgba.buffer), orientation: 1};
  bmp.close();
  // the browser applies (if at all) the EXIF orientation, never XMP's
  const exifOnly = markers && markers.exif ? jpegOrientation({exif: markers.exif}) : 1;
  if (orientation !== 1 && kind && !(exifOnly === orientation && await browserApplies(kind))) img.orientation = orientation;
  return img;
}

// Rule 3: Image.reduce(min(w, h) // (3 * resize)) above 16 megapixels.
function bigReduce(img, resize) {
  if (!resize || img.w * img.h <= REDUCE_ABOVE) return img;
  const factor = Math.floor(Math.min(img.w, img.h) / (3 * resize));
  return factor >= 2 ? reduce(img, factor, factor) : img;
}

// Rule 4: Pillow's exif_transpose (orientations 2-8).
function transpose(img, o) {
  if (!(o >= 2 && o <= 8)) return img;
  const {w, h, nc, data} = img, swap = o >= 5, ow = swap ? h : w, oh = swap ? w : h;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let sx, sy;
      switch (o) {
        case 2: sx = w - 1 - x; sy = y; break;           // FLIP_LEFT_RIGHT
        case 3: sx = w - 1 - x; sy = h - 1 - y; break;   // ROTATE_180
        case 4: sx = x; sy = h - 1 - y; break;           // FLIP_TOP_BOTTOM
        case 5: sx = y; sy = x; break;                   // TRANSPOSE
        case 6: sx = y; sy = h - 1 - x; break;           // ROTATE_270
        case 7: sx = w - 1 - y; sy = h - 1 - x; break;   // TRANSVERSE
        default: sx = w - 1 - y; sy = x;                 // ROTATE_90
      }
      const si = (sy * w + sx) * nc, di = (y * ow + x) * nc;
      for (let c = 0; c < nc; c++) out[di + c] = data[si + c];
    }
  }
  return {...img, w: ow, h: oh, data: out};
}

// Rule 5: to 8-bit RGB as Pillow converts ({w, h, data} with 3 channels).
function toRGB(img) {
  const {w, h, data} = img, n = w * h;
  if (img.mode === 'RGB') return {w, h, data};
  const out = new Uint8Array(n * 3);
  if (img.mode === 'L') {
    for (let i = 0; i < n; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = data[i];
  } else if (img.mode === 'CMYK') {  // Pillow's cmyk2rgb: (255 - K) - C * (255 - K) / 255, rounded
    for (let i = 0; i < n; i++) {
      const nk = 255 - data[i * 4 + 3];
      for (let c = 0; c < 3; c++) {
        const t = data[i * 4 + c] * nk + 128;
        const v = nk - (((t >> 8) + t) >> 8);
        out[i * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  } else if (img.mode === 'LA') {
    const rgba = new Uint8Array(n * 4);
    for (let i = 0; i < n; i++) { rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = data[i * 2]; rgba[i * 4 + 3] = data[i * 2 + 1]; }
    return fromRGBA(rgba, w, h);
  } else if (img.mode === 'RGBA') {
    return fromRGBA(data, w, h);
  } else {
    throw new Error(`colour mode ${img.mode} is not converted by preprocess.js`);
  }
  return {w, h, data: out};
}

function isJpegBytes(b) { return b.length > 3 && b[0] === 0xFF && b[1] === 0xD8 && b[2] === 0xFF; }
function isTiffBytes(b) {
  return b.length > 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 42 && b[3] === 0) ||
                          (b[0] === 0x4D && b[1] === 0x4D && b[2] === 0 && b[3] === 42));
}

// Rules 1-5: the upright 8-bit RGB image petcognizer's load_rgb(path, draft_size=resize) gives.
// bytes: Uint8Array of the file; blob: the same as a Blob (for the browser's decoder; may be omitted
// for JPEG and TIFF).
async function decodePhoto(bytes, resize, blob) {
  let img;
  if (isJpegBytes(bytes)) img = await decodeJpeg(bytes, resize);
  else if (isTiffBytes(bytes)) {
    try {
      img = await decodeTiff(bytes);
    } catch (e) {  // offsets past the end, bad compressed data: one wording
      if (e instanceof RangeError || e instanceof TypeError) throw new Error(`the TIFF data is damaged (${e.message})`);
      throw e;
    }
  }
  else if (isPngBytes(bytes) && pngChunks(bytes).depth === 16 && pngChunks(bytes).colorType === 0) img = await decodeBrowser(undefined, bytes);
  else if (blob !== undefined) img = await decodeBrowser(blob, bytes);
  else throw new Error('not a JPEG or TIFF (the browser decodes the other formats)');
  img = bigReduce(img, resize);
  img = transpose(img, img.orientation);
  return toRGB(img);
}

// A File/Blob -> the graph input (Uint8Array of s * s * 3).
async function photoPixels(blob, pre) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  return resizeCrop(await decodePhoto(bytes, pre.resize, blob), pre);
}

if (typeof module !== 'undefined') {
  module.exports = {fromRGBA, resize, resizeCrop, pyRound, photoPixels, decodePhoto, initJpeg, transpose,
                    reduce, toRGB, decodeTiff, jpegOrientation, jpegMarkers};
}
