// A short-lived process that reads one document: OCR of an image (tesseract.js, French data
// from the npm package, never downloaded) or the text of a PDF (unpdf / pdf.js). A PDF without a
// text layer (a scan) has its pictures drawn out page by page and read by OCR. It runs apart from
// the server so that a corrupt or hostile file can at worst kill this process, never the server
// (see document-reading.ts). Input: the file on stdin; argv[2] is 'ocr' or 'pdf-text'; argv[3]
// the folder of the French trained data; argv[4] 'no-ocr' to skip the OCR of a scan. Output: {"text": "...", "scanned": bool} on stdout.
const [kind, langPath, mode] = process.argv.slice(2);
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const content = Buffer.concat(chunks);
/** At most this many pages of a scan are read: a receipt or an invoice, not a book. */
const MAX_SCANNED_PAGES = 4;

async function ocr(images) {
  const { createWorker, OEM } = await import('tesseract.js');
  const worker = await createWorker('fra', OEM.LSTM_ONLY, {
    langPath,
    cacheMethod: 'none',
    gzip: true,
    errorHandler: (e) => fail(e),
  });
  try {
    const out = [];
    // rotateAuto straightens a photo taken a few degrees askew before reading it.
    for (const image of images) out.push((await worker.recognize(image, { rotateAuto: true })).data.text);
    return out.join('\n');
  } finally {
    await worker.terminate();
  }
}

/** PNG (pngjs) of a pdf.js decoded image: 1 = 1 bit grey, 2 = RGB, 3 = RGBA. */
async function imageToPng(img) {
  const { PNG } = await import('pngjs');
  const { width, height, data, kind: k } = img;
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    let v;
    if (k === 1) {
      const row = Math.floor(i / width);
      const col = i % width;
      const byte = data[row * Math.ceil(width / 8) + (col >> 3)];
      v = (byte >> (7 - (col & 7))) & 1 ? 255 : 0;
      png.data.set([v, v, v, 255], i * 4);
    } else if (k === 2) png.data.set([data[i * 3], data[i * 3 + 1], data[i * 3 + 2], 255], i * 4);
    else png.data.set([data[i * 4], data[i * 4 + 1], data[i * 4 + 2], 255], i * 4);
  }
  return PNG.sync.write(png);
}

/** The pictures a scanned PDF is made of, largest per page, as PNG files. */
async function scannedPages(doc) {
  const { OPS } = await import('unpdf/pdfjs');
  const pngs = [];
  for (let p = 1; p <= Math.min(doc.numPages, MAX_SCANNED_PAGES); p++) {
    const page = await doc.getPage(p);
    const ops = await page.getOperatorList();
    let best = null;
    for (let i = 0; i < ops.fnArray.length; i++) {
      if (ops.fnArray[i] !== OPS.paintImageXObject) continue;
      const name = ops.argsArray[i][0];
      const img = await new Promise((resolve) =>
        (name.startsWith('g_') ? page.commonObjs : page.objs).get(name, resolve),
      );
      if (img?.data && (!best || img.width * img.height > best.width * best.height)) best = img;
    }
    if (best) pngs.push(await imageToPng(best));
  }
  return pngs;
}

async function pdfText() {
  const { extractText, getDocumentProxy } = await import('unpdf');
  const doc = await getDocumentProxy(new Uint8Array(content), {
    isEvalSupported: false,
    isOffscreenCanvasSupported: false,
  });
  const { text } = await extractText(doc, { mergePages: true });
  const joined = Array.isArray(text) ? text.join('\n') : String(text);
  // A text layer of a few characters is a scan with a stamp or a page number, not a document.
  if (joined.replace(/\s/g, '').length >= 20) return { text: joined, scanned: false };
  if (mode === 'no-ocr') return { text: joined, scanned: false };
  const pages = await scannedPages(doc);
  if (!pages.length) return { text: joined, scanned: false };
  return { text: await ocr(pages), scanned: true };
}

function fail(e) {
  process.stderr.write(String(e?.message ?? e).slice(0, 500));
  process.exit(2);
}
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
try {
  const result = kind === 'ocr' ? { text: await ocr([content]), scanned: false } : await pdfText();
  process.stdout.write(JSON.stringify(result), () => process.exit(0));
} catch (e) {
  fail(e);
}
