// The yearly impact report as a PDF (pdfkit, DejaVu fonts so accents and « » render): one block
// per indicator (value, interval, people, network quartiles, trend), then the ESF participants
// summary and the SROI scenarios when saved. Hidden figures read « moins de 5 personnes ».
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import { numberText, ratioText, valueText } from './views/format.ts';
import { type ImpactReport, intervalText, peopleText, previousText } from './report.ts';

const fonts = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');

export async function reportPdf(r: ImpactReport, generatedOn: string): Promise<Buffer> {
  const title = `Rapport d’impact ${r.year} — ${r.scopeName}`;
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: title, Author: 'Radieuse' } });
  doc.registerFont('body', join(fonts, 'DejaVuSans.ttf'));
  doc.registerFont('bold', join(fonts, 'DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((res) => doc.on('end', () => res()));
  const computed = new Date(r.computedAt).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' });
  doc.font('bold').fontSize(18).text(title);
  doc
    .font('body')
    .fontSize(10)
    .moveDown(0.3)
    .text(
      r.scope === 'network'
        ? `Ensemble du réseau : ${r.cooperatives} coopérative(s), personnes regroupées.`
        : 'Une coopérative, face aux quartiles des coopératives du réseau.',
    )
    .text(`Chiffres calculés le ${computed} ; rapport produit le ${generatedOn}.`)
    .text(
      'Un chiffre portant sur moins de 5 personnes n’est jamais publié. Les proportions ont leur intervalle de confiance à 95 % (Wilson). Les quartiles du réseau sont donnés à partir de 3 coopératives.',
    )
    .moveDown();

  const section = (t: string) => {
    if (doc.y > doc.page.height - 140) doc.addPage();
    doc.font('bold').fontSize(14).text(t).moveDown(0.4);
  };
  section('Indicateurs de l’année');
  for (const x of r.rows) {
    if (doc.y > doc.page.height - 110) doc.addPage();
    doc.font('bold').fontSize(11).text(`${x.code} — ${x.label}`);
    doc.font('body').fontSize(10);
    const value = valueText(x);
    const interval = x.suppressed ? '' : x.low === null ? '' : ` (intervalle à 95 % : ${intervalText(x)})`;
    doc.text(`Valeur : ${value}${interval} · personnes : ${peopleText(x.n)}`);
    const q = x.quartiles;
    doc.text(
      q
        ? `Réseau (${q.cooperatives} coopératives) : 1er quartile ${numberText(q.q1, x.unit)} · médiane ${numberText(q.median, x.unit)} · 3e quartile ${numberText(q.q3, x.unit)}`
        : 'Réseau : moins de 3 coopératives publiées, pas de quartiles.',
    );
    doc.text(`Évolution : ${x.trend}${x.previous === null ? '' : ` (${r.year - 1} : ${previousText(x)})`}`);
    doc.moveDown(0.5);
  }

  section(`Participants ${r.year} (Fonds social européen)`);
  doc.font('body').fontSize(10);
  doc.text(`Entrées dans l’accompagnement : ${peopleText(r.esf.entrants)}`);
  for (const s of r.esf.entrantsBySex) doc.text(`    ${s.label} : ${peopleText(s.people)}`);
  doc.text(`Sorties de l’accompagnement : ${peopleText(r.esf.exits)}`);
  for (const s of r.esf.exitsByOutcome) doc.text(`    ${s.label} : ${peopleText(s.people)}`);
  doc.moveDown();

  if (r.sroi.length) {
    section('Retour social sur investissement (scénarios enregistrés)');
    doc.font('body').fontSize(10);
    for (const s of r.sroi) {
      const who = r.scope === 'network' ? ` (${s.cooperative})` : '';
      const range =
        s.ratioLow === null || s.ratioHigh === null
          ? ''
          : ` ; sensibilité de ${ratioText(s.ratioLow)} à ${ratioText(s.ratioHigh)}`;
      doc.text(
        `${s.name}${who} : valeur actuelle ${numberText(Number(s.presentValue), '€')}, ratio ${ratioText(s.ratio)}${range}`,
      );
    }
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
