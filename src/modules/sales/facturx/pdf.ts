// Printable A4 invoice / credit note as a Factur-X PDF/A-3b: visible invoice with every French
// mandatory mention, the CII XML embedded as factur-x.xml (AFRelationship Alternative, listed in
// the catalog /AF) and the XMP Factur-X extension schema. Fonts: DejaVu Sans (npm dejavu-fonts-ttf).
import PDFDocument from 'pdfkit';
import { type Font, create as parseFont } from 'fontkit';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { InvoiceDocument, PostalAddress } from '../types.ts';
import { formatEuros, formatRateBp, milliToDecimal } from '../../../core/money.ts';
import { formatDateLong } from '../../../core/dates.ts';
import { formatIban } from '../../../core/identifiers.ts';
import { buildCii } from './cii.ts';
import { esc } from './xml.ts';

const require = createRequire(import.meta.url);

function fontDir(): string {
  try {
    const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    if (existsSync(join(dir, 'DejaVuSans.ttf'))) return dir;
  } catch {
    /* fall back to Debian's fonts-dejavu-core */
  }
  return '/usr/share/fonts/truetype/dejavu';
}
const FONT_DIR = fontDir();
let fonts: { regular: Font; bold: Font } | null = null;
/**
 * DejaVu read and parsed once per process. Given a file or a Buffer, pdfkit parses the font anew
 * for each document, and fontkit then decodes its substitution and positioning tables (DejaVu's
 * kerning) again at the first line of text: about three quarters of a PDF's CPU. Given the parsed
 * font, every document shares those tables and still subsets and embeds its own glyphs.
 *
 * The glyphs, though, must be the document's own: fontkit keeps each glyph with the characters it
 * was first looked up for, and pdfkit maps glyphs back to text (ToUnicode) from them. A glyph
 * first met as a part of a composite one while a document was embedded ("A" in "À") has no
 * character, and a later document drawing it could not be searched or copied. So each document
 * starts with fontkit's glyph cache emptied, as it did with a font of its own (documents cannot
 * interleave: pdfkit lays out and embeds synchronously, from the first text to `end()`).
 */
function documentFonts(): { regular: PDFKit.Mixins.PDFFontSource; bold: PDFKit.Mixins.PDFFontSource } {
  fonts ??= {
    regular: parseFont(readFileSync(join(FONT_DIR, 'DejaVuSans.ttf'))),
    bold: parseFont(readFileSync(join(FONT_DIR, 'DejaVuSans-Bold.ttf'))),
  };
  fonts.regular._glyphs = {};
  fonts.bold._glyphs = {};
  // pdfkit takes a fontkit font wherever it takes a font file (PDFFontFactory.open); its types
  // name only files and buffers.
  return fonts as unknown as { regular: PDFKit.Mixins.PDFFontSource; bold: PDFKit.Mixins.PDFFontSource };
}

const ACCENT = '#1f4e79';
const MUTED = '#5b6470';
const LINE = '#c9d1da';
const ZEBRA = '#f3f6f9';

export const DOCUMENT_TITLES: Record<InvoiceDocument['typeCode'], string> = {
  '380': 'Facture',
  '381': 'Avoir',
  '386': "Facture d'acompte",
};

const FX_XMP = `
        <rdf:Description rdf:about="" xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#">
            <fx:DocumentType>INVOICE</fx:DocumentType>
            <fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>
            <fx:Version>1.0</fx:Version>
            <fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
            xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
            <pdfaExtension:schemas>
                <rdf:Bag>
                    <rdf:li rdf:parseType="Resource">
                        <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
                        <pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>
                        <pdfaSchema:prefix>fx</pdfaSchema:prefix>
                        <pdfaSchema:property>
                            <rdf:Seq>
${[
  ['DocumentFileName', 'Name of the embedded XML invoice file'],
  ['DocumentType', 'INVOICE'],
  ['Version', 'The actual version of the Factur-X XML schema'],
  ['ConformanceLevel', 'The conformance level of the embedded Factur-X data'],
]
  .map(
    ([n, d]) => `
                                <rdf:li rdf:parseType="Resource">
                                    <pdfaProperty:name>${n}</pdfaProperty:name>
                                    <pdfaProperty:valueType>Text</pdfaProperty:valueType>
                                    <pdfaProperty:category>external</pdfaProperty:category>
                                    <pdfaProperty:description>${d}</pdfaProperty:description>
                                </rdf:li>`,
  )
  .join('')}
                            </rdf:Seq>
                        </pdfaSchema:property>
                    </rdf:li>
                </rdf:Bag>
            </pdfaExtension:schemas>
        </rdf:Description>
`;

const addressLines = (a: PostalAddress): string[] => [
  a.line1,
  ...(a.line2 ? [a.line2] : []),
  `${a.postalCode} ${a.city}`,
  ...(a.countryCode.toUpperCase() !== 'FR' ? [countryName(a.countryCode)] : []),
];
// Made once: building the names (ICU data) takes half a millisecond, per foreign address line.
let regionNames: Intl.DisplayNames | null = null;
function countryName(code: string): string {
  try {
    regionNames ??= new Intl.DisplayNames(['fr'], { type: 'region' });
    return regionNames.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
const CATEGORY_LABELS: Record<string, string> = {
  S: 'TVA',
  Z: 'TVA taux zéro',
  E: 'Exonération',
  AE: 'Autoliquidation',
  K: 'Intracommunautaire',
  G: 'Export',
  O: 'Hors champ',
};
const SHORT_LABELS: Record<string, string> = {
  Z: '0\u00a0%',
  E: 'Exonéré',
  AE: 'Autoliquidation',
  K: 'Intra-UE',
  G: 'Export',
  O: 'Hors champ',
};
const rateLabel = (cat: string, bp: number) =>
  cat === 'S' || bp !== 0 ? formatRateBp(bp) : (SHORT_LABELS[cat] ?? cat);
const capital = (c: number) => formatEuros(c).replace(/,00\u00a0€$/, '\u00a0€');

export async function renderInvoicePdf(doc: InvoiceDocument): Promise<Buffer> {
  const xml = Buffer.from(buildCii(doc), 'utf8');
  const title = DOCUMENT_TITLES[doc.typeCode];
  const created = new Date(`${doc.issueDate}T12:00:00Z`);
  const pdf = new PDFDocument({
    size: 'A4',
    margins: { top: 40, bottom: 60, left: 42, right: 42 },
    bufferPages: true,
    autoFirstPage: true,
    pdfVersion: '1.7',
    subset: 'PDF/A-3b',
    tagged: true,
    lang: 'fr-FR',
    displayTitle: true,
    // No characters needing XML escaping here: pdfkit copies Info into the XMP as is.
    info: {
      Title: `${title} ${doc.number}`.replace(/[<>&"']/g, ''),
      Creator: 'Radieuse',
      Producer: 'Radieuse (PDFKit)',
      CreationDate: created,
    },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((res, rej) => {
    pdf.on('end', () => res(Buffer.concat(chunks)));
    pdf.on('error', rej);
  });

  const { regular, bold } = documentFonts();
  pdf.registerFont('R', regular);
  pdf.registerFont('B', bold);
  pdf.font('R');

  const { seller, buyer, totals } = doc;
  const L = pdf.page.margins.left;
  const W = pdf.page.width - L - pdf.page.margins.right;
  const R = L + W;
  const bottom = () => pdf.page.height - pdf.page.margins.bottom;
  const ensure = (h: number) => {
    if (pdf.y + h > bottom()) {
      pdf.addPage();
      pdf.y = pdf.page.margins.top;
    }
  };
  const text = (
    s: string,
    x: number,
    y: number,
    o: PDFKit.Mixins.TextOptions & { font?: string; size?: number; color?: string } = {},
  ) => {
    pdf
      .font(o.font ?? 'R')
      .fontSize(o.size ?? 8.5)
      .fillColor(o.color ?? '#111111')
      .text(s, x, y, { lineGap: 1, ...o });
    return pdf.y;
  };

  // ── Header: activity (trading name) left, document title right ──────────────────────────
  let y = 40;
  if (seller.logoPng) {
    try {
      pdf.image(seller.logoPng, L, y, { fit: [120, 48] });
      y += 54;
    } catch {
      /* ignore a bad logo */
    }
  }
  let yl = text(seller.tradingName, L, y, { font: 'B', size: 15, color: ACCENT, width: W * 0.55 });
  yl = text(`Activité portée par ${seller.name}`, L, yl + 2, { size: 8.5, color: MUTED, width: W * 0.55 });
  const contact = [seller.contactName, seller.contactEmail ?? seller.email, seller.phone?.replace(/ /g, '\u00a0')]
    .filter(Boolean)
    .join(' · ');
  if (contact) yl = text(`Contact : ${contact}`, L, yl + 1, { size: 8.5, color: MUTED, width: W * 0.55 });

  let yr = text(title, L + W * 0.55, y, { font: 'B', size: 20, color: ACCENT, width: W * 0.45, align: 'right' });
  yr = text(`N° ${doc.number}`, L + W * 0.55, yr + 2, { font: 'B', size: 10.5, width: W * 0.45, align: 'right' });
  const metas: Array<[string, string]> = [[`Date d'émission`, formatDateLong(doc.issueDate)]];
  if (doc.deliveryDate)
    metas.push([
      doc.nature === 'goods'
        ? 'Date de livraison'
        : doc.nature === 'services'
          ? 'Date de la prestation'
          : 'Date de livraison / prestation',
      formatDateLong(doc.deliveryDate),
    ]);
  if (doc.dueDate) metas.push([`Date d'échéance`, formatDateLong(doc.dueDate)]);
  for (const [k, v] of metas)
    yr = text(`${k} : ${v}`, L + W * 0.45, yr + 1, { size: 8.5, width: W * 0.55, align: 'right' });

  // ── Parties ───────────────────────────────────────────────────────────────────────────
  y = Math.max(yl, yr) + 14;
  const boxW = (W - 14) / 2;
  const sellerLines = [
    `${seller.legalForm} au capital de ${capital(seller.capitalCents)}`,
    ...addressLines(seller.address),
    `SIREN ${seller.siren}${seller.siret ? ` · SIRET ${seller.siret}` : ''}`,
    `RCS ${seller.rcsCity} ${seller.siren}`,
    seller.vatNumber ? `N° TVA intracommunautaire : ${seller.vatNumber}` : 'TVA non applicable',
  ];
  const buyerLines = [
    ...addressLines(buyer.address),
    ...(buyer.siren ? [`SIREN ${buyer.siren}`] : []),
    ...(buyer.vatNumber ? [`N° TVA : ${buyer.vatNumber}`] : []),
    ...(buyer.reference ? [`Votre référence : ${buyer.reference}`] : []),
    ...(buyer.deliveryAddress ? [`Livraison : ${addressLines(buyer.deliveryAddress).join(', ')}`] : []),
  ];
  const boxH = (name: string, lines: string[]) => {
    pdf.font('B').fontSize(9.5);
    let h = pdf.heightOfString(name, { width: boxW - 20 });
    pdf.font('R').fontSize(8.5);
    for (const l of lines) h += pdf.heightOfString(l, { width: boxW - 20, lineGap: 1 });
    return h + 30;
  };
  const bh = Math.max(boxH(seller.name, sellerLines), boxH(buyer.name, buyerLines));
  const box = (x: number, label: string, name: string, lines: string[]) => {
    pdf.roundedRect(x, y, boxW, bh, 4).lineWidth(0.6).strokeColor(LINE).stroke();
    text(label.toUpperCase(), x + 10, y + 7, { size: 7, color: MUTED, characterSpacing: 0.6 });
    let yy = text(name, x + 10, y + 17, { font: 'B', size: 9.5, width: boxW - 20 });
    for (const l of lines) yy = text(l, x + 10, yy, { size: 8.5, width: boxW - 20 });
  };
  box(L, 'Émetteur', seller.name, sellerLines);
  box(L + boxW + 14, doc.typeCode === '381' ? 'Client' : 'Facturé à', buyer.name, buyerLines);
  pdf.y = y + bh + 10;

  // ── References ────────────────────────────────────────────────────────────────────────
  const refs: string[] = [];
  if (doc.precedingInvoice)
    refs.push(
      doc.typeCode === '381'
        ? `Avoir se rapportant à la facture n° ${doc.precedingInvoice.number} du ${formatDateLong(doc.precedingInvoice.issueDate)}.`
        : `Facture de solde : acomptes déduits ci-dessous, dernier acompte n° ${doc.precedingInvoice.number} du ${formatDateLong(doc.precedingInvoice.issueDate)}.`,
    );
  if (doc.quoteReference)
    refs.push(`${doc.typeCode === '386' ? 'Acompte sur le' : 'Selon'} devis n° ${doc.quoteReference}.`);
  refs.push(
    `Nature de l'opération : ${doc.nature === 'goods' ? 'livraison de biens' : doc.nature === 'services' ? 'prestation de services' : 'livraison de biens et prestation de services'}.`,
  );
  for (const r of refs) text(r, L, pdf.y, { size: 8.5, width: W });
  pdf.y += 8;

  // ── Lines table ───────────────────────────────────────────────────────────────────────
  const cols = [
    { key: 'desc', label: 'Désignation', w: W - 344, align: 'left' as const },
    { key: 'qty', label: 'Qté', w: 42, align: 'right' as const },
    { key: 'unit', label: 'Unité', w: 44, align: 'left' as const },
    { key: 'pu', label: 'P.U. HT', w: 64, align: 'right' as const },
    { key: 'disc', label: 'Remise', w: 44, align: 'right' as const },
    { key: 'vat', label: 'TVA', w: 78, align: 'right' as const },
    { key: 'total', label: 'Total HT', w: 72, align: 'right' as const },
  ];
  const header = () => {
    const hy = pdf.y;
    pdf.rect(L, hy, W, 18).fill(ACCENT);
    let x = L;
    for (const c of cols) {
      text(c.label, x + 4, hy + 5, { font: 'B', size: 8, color: '#ffffff', width: c.w - 8, align: c.align });
      x += c.w;
    }
    pdf.y = hy + 18;
  };
  header();
  // A one-cell row across the table: a section title, or its subtotal.
  const wideRow = (label: string, amount: string | null) => {
    pdf.font('B').fontSize(8.5);
    const h = pdf.heightOfString(label, { width: W - 90, lineGap: 1 }) + 8;
    if (pdf.y + h > bottom()) {
      pdf.addPage();
      pdf.y = pdf.page.margins.top;
      header();
    }
    const ry = pdf.y;
    text(label, L + 4, ry + 4, { font: 'B', size: 8.5, width: W - 90 });
    if (amount) text(amount, R - 76, ry + 4, { font: 'B', size: 8.5, width: 72, align: 'right' });
    pdf
      .moveTo(L, ry + h)
      .lineTo(R, ry + h)
      .lineWidth(0.4)
      .strokeColor(LINE)
      .stroke();
    pdf.y = ry + h;
  };
  let sectionSum = 0;
  doc.lines.forEach((l, i) => {
    const section = l.section ?? null;
    if (section && doc.lines[i - 1]?.section !== section) {
      wideRow(section, null);
      sectionSum = 0;
    }
    sectionSum += l.netCents;
    const cells: Record<string, string> = {
      desc: l.description,
      qty: milliToDecimal(l.quantityMilli).replace('.', ','),
      unit: l.unitLabel,
      pu: formatEuros(l.unitPriceCents),
      disc: l.discountBp ? formatRateBp(l.discountBp) : '—',
      vat: rateLabel(l.vatCategory, l.vatRateBp),
      total: formatEuros(l.netCents),
    };
    pdf.font('R').fontSize(8.5);
    const h = Math.max(...cols.map((c) => pdf.heightOfString(cells[c.key], { width: c.w - 8, lineGap: 1 }))) + 8;
    if (pdf.y + h > bottom()) {
      pdf.addPage();
      pdf.y = pdf.page.margins.top;
      header();
    }
    const ry = pdf.y;
    if (i % 2 === 1) pdf.rect(L, ry, W, h).fill(ZEBRA);
    let x = L;
    for (const c of cols) {
      text(cells[c.key], x + 4, ry + 4, { size: 8.5, width: c.w - 8, align: c.align });
      x += c.w;
    }
    pdf
      .moveTo(L, ry + h)
      .lineTo(R, ry + h)
      .lineWidth(0.4)
      .strokeColor(LINE)
      .stroke();
    pdf.y = ry + h;
    if (section && doc.lines[i + 1]?.section !== section) wideRow(`Sous-total ${section}`, formatEuros(sectionSum));
  });
  pdf.y += 10;

  // ── Totals (right) and VAT breakdown (left) ───────────────────────────────────────────
  const rows: Array<[string, string, boolean?]> = [];
  if (doc.allowances.length) {
    rows.push(['Total des lignes HT', formatEuros(totals.linesNetCents)]);
    for (const a of doc.allowances)
      rows.push([`${a.reason} (${rateLabel(a.vatCategory, a.vatRateBp)})`, formatEuros(-a.amountCents)]);
  }
  rows.push(['Total HT', formatEuros(totals.taxBasisCents), true]);
  for (const v of doc.vatBreakdown) {
    rows.push([
      v.vatCategory === 'S' || v.vatRateBp
        ? `TVA ${formatRateBp(v.vatRateBp)} sur ${formatEuros(v.baseCents)}`
        : `TVA (${CATEGORY_LABELS[v.vatCategory] ?? v.vatCategory})`,
      formatEuros(v.vatCents),
    ]);
  }
  rows.push(['Total TVA', formatEuros(totals.vatCents)]);
  rows.push(['Total TTC', formatEuros(totals.grandTotalCents), true]);
  if (totals.prepaidCents) rows.push(['Acompte(s) déjà versé(s)', formatEuros(-totals.prepaidCents)]);
  const tw = 230;
  const tx = R - tw;
  ensure(Math.max(rows.length * 14 + 40, doc.vatBreakdown.length * 30 + 30));
  const blockTop = pdf.y;
  let ty = blockTop;
  for (const [k, v, strong] of rows) {
    text(k, tx, ty, { font: strong ? 'B' : 'R', size: 8.5, width: tw - 85 });
    text(v, tx + tw - 90, ty, { font: strong ? 'B' : 'R', size: 8.5, width: 90, align: 'right' });
    ty += 14;
  }
  pdf.rect(tx, ty + 2, tw, 24).fill(ACCENT);
  const dueLabel = doc.typeCode === '381' ? "Montant de l'avoir" : 'Net à payer';
  text(dueLabel, tx + 8, ty + 9, { font: 'B', size: 10, color: '#ffffff', width: tw - 110 });
  text(formatEuros(totals.dueCents), tx + tw - 108, ty + 9, {
    font: 'B',
    size: 10,
    color: '#ffffff',
    width: 100,
    align: 'right',
  });
  const totalsBottom = ty + 32;

  // VAT breakdown table on the left
  let vy = blockTop;
  const vw = W - tw - 20;
  text('Récapitulatif TVA', L, vy, { font: 'B', size: 8.5, color: ACCENT });
  vy = pdf.y + 2;
  const vcols = [vw * 0.34, vw * 0.33, vw * 0.33];
  const vhead = ['Taux / régime', 'Base HT', 'TVA'];
  let vx = L;
  vhead.forEach((h, i) => {
    text(h, vx, vy, { font: 'B', size: 7.5, color: MUTED, width: vcols[i] - 4, align: i ? 'right' : 'left' });
    vx += vcols[i];
  });
  vy += 12;
  for (const v of doc.vatBreakdown) {
    vx = L;
    [rateLabel(v.vatCategory, v.vatRateBp), formatEuros(v.baseCents), formatEuros(v.vatCents)].forEach((c, i) => {
      text(c, vx, vy, { size: 8, width: vcols[i] - 4, align: i ? 'right' : 'left' });
      vx += vcols[i];
    });
    vy += 12;
    if (v.exemptionReason) {
      vy =
        text(v.exemptionReason + (v.exemptionCode ? ` (${v.exemptionCode})` : ''), L, vy, {
          size: 7.5,
          color: MUTED,
          width: vw - 4,
        }) + 2;
    }
  }
  pdf.y = Math.max(vy, totalsBottom) + 12;

  // ── Payment and legal mentions ────────────────────────────────────────────────────────
  const section = (label: string, lines: string[]) => {
    const body = lines.filter(Boolean);
    if (!body.length) return;
    pdf.font('R').fontSize(8);
    const h = 14 + body.reduce((s, l) => s + pdf.heightOfString(l, { width: W, lineGap: 1 }), 0);
    ensure(h);
    text(label, L, pdf.y, { font: 'B', size: 8.5, color: ACCENT });
    for (const l of body) text(l, L, pdf.y, { size: 8, width: W });
    pdf.y += 6;
  };
  const pay: string[] = [];
  if (doc.typeCode !== '381') {
    pay.push(doc.paymentTermsText);
    if (doc.dueDate)
      pay.push(`Date d'échéance : ${formatDateLong(doc.dueDate)} — montant dû : ${formatEuros(totals.dueCents)}.`);
    const iban = doc.payment.iban ?? seller.iban;
    const bic = doc.payment.bic ?? seller.bic;
    if (iban)
      pay.push(
        `Virement${doc.payment.meansCode === '58' ? ' SEPA' : ''} — IBAN : ${formatIban(iban)}${bic ? ` — BIC : ${bic}` : ''} — Titulaire : ${seller.name}`,
      );
    if (doc.payment.remittance) pay.push(`Référence à rappeler lors du paiement : ${doc.payment.remittance}`);
  } else {
    // A credit note is owed to the customer: asking them to pay it (terms, IBAN, reference) is wrong.
    pay.push(
      `Aucun paiement à effectuer : ce montant de ${formatEuros(totals.grandTotalCents)} vient en déduction${doc.precedingInvoice ? ` de la facture n° ${doc.precedingInvoice.number}` : ''} ; il vous sera remboursé s'il a déjà été réglé.`,
    );
  }
  section(doc.typeCode === '381' ? 'Avoir' : 'Règlement', pay);

  const legal: string[] = [doc.latePenaltyText];
  if (doc.recoveryIndemnityText) legal.push(doc.recoveryIndemnityText);
  legal.push(doc.earlyPaymentText);
  section('Conditions et pénalités', legal);

  const vatLines = [...doc.vatMentions];
  if (doc.vatOnDebits && !vatLines.some((t) => /débits/i.test(t)))
    vatLines.push("Option pour le paiement de la taxe d'après les débits.");
  section('Mentions TVA', vatLines);
  section('Notes', doc.notes);

  // ── Footer on every page ──────────────────────────────────────────────────────────────
  const footer = `${seller.name} — ${seller.legalForm} au capital de ${capital(seller.capitalCents)} — ${addressLines(seller.address).join(', ')} — SIREN ${seller.siren} — RCS ${seller.rcsCity}${seller.vatNumber ? ` — TVA ${seller.vatNumber}` : ''}`;
  const range = pdf.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    pdf.switchToPage(p);
    const fy = pdf.page.height - 46;
    pdf
      .moveTo(L, fy - 4)
      .lineTo(R, fy - 4)
      .lineWidth(0.4)
      .strokeColor(LINE)
      .stroke();
    pdf
      .font('R')
      .fontSize(6.8)
      .fillColor(MUTED)
      .text(footer, L, fy, { width: W - 60, lineGap: 0.5, height: 30 });
    pdf.text(`Page ${p - range.start + 1}/${range.count}`, R - 55, fy, { width: 55, align: 'right', height: 10 });
  }

  // ── Factur-X: embedded XML, associated file, XMP ──────────────────────────────────────
  pdf.file(xml, {
    name: 'factur-x.xml',
    type: 'text/xml',
    relationship: 'Alternative',
    description: `Factur-X ${esc(doc.number)}`,
    creationDate: created,
    modifiedDate: created,
  } as PDFKit.Mixins.PDFAttachmentOptions);
  pdf.appendXML(FX_XMP);
  pdf.end();
  return done;
}
