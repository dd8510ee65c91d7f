// The sign-in sheet of a workshop session (PDF): one line per registered person with an empty
// signature box, and a few blank lines for walk-ins.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { formatDateLong } from '../../core/dates.ts';
import { JOURNEYS } from './permissions.ts';
import { parisDate, parisTime } from './paris-time.ts';
import { getSession } from './workshops.service.ts';
import { participants, sessionHours } from './attendance.service.ts';

const fonts = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const BLANK_LINES = 3;
/** Hours in French: "2,5 h". */
const hoursFr = (h: number) => `${String(h).replace('.', ',')} h`;

export async function signInSheetPdf(
  tx: Tx,
  actor: Actor,
  sessionId: string,
  cooperativeName: string,
): Promise<Buffer> {
  authorize(actor, JOURNEYS.workshopParticipants);
  const s = await getSession(tx, actor, sessionId);
  const people = (await participants(tx, actor, sessionId)).filter((p) => p.status === 'registered');
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Feuille d'émargement — ${s.themeName}` } });
  doc.registerFont('body', join(fonts, 'DejaVuSans.ttf'));
  doc.registerFont('bold', join(fonts, 'DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((res) => doc.on('end', () => res()));
  doc.font('bold').fontSize(16).text("Feuille d'émargement");
  doc
    .font('body')
    .fontSize(11)
    .moveDown(0.3)
    .text(cooperativeName)
    .text(`Atelier : ${s.themeName}`)
    .text(
      `Date : ${formatDateLong(parisDate(s.startsAt))}, de ${parisTime(s.startsAt)} à ${parisTime(s.endsAt)} (heure de Paris)`,
    )
    .text(`Lieu : ${s.place}`)
    .text(`Durée : ${hoursFr(sessionHours(s.startsAt, s.endsAt))} · ${people.length} inscrit·e(s)`)
    .moveDown();
  const x = 50;
  const rowH = 28;
  const widths = [30, 250, 215];
  const left = (k: number) => x + widths.slice(0, k).reduce((a, b) => a + b, 0);
  let y = doc.y;
  const row = (cells: string[], opts: { lineBreak?: boolean } = {}) => {
    for (const [k, t] of cells.entries())
      doc
        .rect(left(k), y, widths[k], rowH)
        .stroke()
        .text(t, left(k) + 5, y + 9, { width: widths[k] - 10, ...opts });
    y += rowH;
  };
  const header = () => {
    doc.font('bold').fontSize(10);
    row(['N°', 'Nom et prénom', 'Signature']);
    doc.font('body');
  };
  header();
  const names = [...people.map((p) => p.name), ...Array<string>(BLANK_LINES).fill('')];
  for (const [i, name] of names.entries()) {
    if (y + rowH > doc.page.height - 60) {
      doc.addPage();
      y = 50;
      header();
    }
    row([String(i + 1), name, ''], { lineBreak: false });
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
