// A short-lived process that reads one document: OCR of an image (tesseract.js, French data
// from the npm package, never downloaded) or the text layer of a PDF (unpdf / pdf.js). It runs
// apart from the server so that a corrupt or hostile file can at worst kill this process, never
// the server (see document-reading.ts). Input: the file on stdin; argv[2] is 'ocr' or 'pdf-text';
// argv[3] the folder of the French trained data. Output: {"text": "..."} on stdout.
const [kind, langPath] = process.argv.slice(2);
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const content = Buffer.concat(chunks);

async function ocr() {
  const { createWorker, OEM } = await import('tesseract.js');
  const worker = await createWorker('fra', OEM.LSTM_ONLY, {
    langPath,
    cacheMethod: 'none',
    gzip: true,
    errorHandler: (e) => fail(e),
  });
  try {
    return (await worker.recognize(content)).data.text;
  } finally {
    await worker.terminate();
  }
}

async function pdfText() {
  const { extractText, getDocumentProxy } = await import('unpdf');
  const doc = await getDocumentProxy(new Uint8Array(content), { isEvalSupported: false });
  const { text } = await extractText(doc, { mergePages: true });
  return Array.isArray(text) ? text.join('\n') : String(text);
}

function fail(e) {
  process.stderr.write(String(e?.message ?? e).slice(0, 500));
  process.exit(2);
}
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
try {
  const text = kind === 'ocr' ? await ocr() : await pdfText();
  process.stdout.write(JSON.stringify({ text }), () => process.exit(0));
} catch (e) {
  fail(e);
}
