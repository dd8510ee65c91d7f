// Printable letters that are not Factur-X invoices: the formal notice (mise en demeure) and the
// quote (devis). pdfkit with the DejaVu fonts of facturx/pdf.ts, same colours and header.
import PDFDocument from 'pdfkit';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatEuros, formatRateBp, milliToDecimal } from '../../core/money.ts';
import { formatDateLong, type IsoDate } from '../../core/dates.ts';
import type { SellerParty, BuyerParty, PostalAddress } from './types.ts';

const require = createRequire(import.meta.url);
function fontDir(): string {
  try {
    const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    if (existsSync(join(dir, 'DejaVuSans.ttf'))) return dir;
  } catch {
    /* Debian's fonts-dejavu-core */
  }
  return '/usr/share/fonts/truetype/dejavu';
}
let fonts: { regular: Buffer; bold: Buffer } | null = null;
const loadFonts = () =>
  (fonts ??= {
    regular: readFileSync(join(fontDir(), 'DejaVuSans.ttf')),
    bold: readFileSync(join(fontDir(), 'DejaVuSans-Bold.ttf')),
  });
const ACCENT = '#1f4e79';
const MUTED = '#5b6470';
const LINE = '#c9d1da';
const ZEBRA = '#f3f6f9';
const addr = (a: PostalAddress) => [a.line1, ...(a.line2 ? [a.line2] : []), `${a.postalCode} ${a.city}`];

type Pdf = PDFKit.PDFDocument;
async function build(
  title: string,
  draw: (
    pdf: Pdf,
    t: (
      s: string,
      o?: {
        x?: number;
        y?: number;
        bold?: boolean;
        size?: number;
        color?: string;
        width?: number;
        align?: 'left' | 'right' | 'center';
      },
    ) => number,
  ) => void,
): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A4',
    margins: { top: 40, bottom: 60, left: 42, right: 42 },
    lang: 'fr-FR',
    displayTitle: true,
    info: { Title: title, Creator: 'Radieuse', Producer: 'Radieuse (PDFKit)' },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((res, rej) => {
    pdf.on('end', () => res(Buffer.concat(chunks)));
    pdf.on('error', rej);
  });
  const { regular, bold } = loadFonts();
  pdf.registerFont('R', regular);
  pdf.registerFont('B', bold);
  const L = pdf.page.margins.left;
  const W = pdf.page.width - L - pdf.page.margins.right;
  const t = (
    s: string,
    o: {
      x?: number;
      y?: number;
      bold?: boolean;
      size?: number;
      color?: string;
      width?: number;
      align?: 'left' | 'right' | 'center';
    } = {},
  ) => {
    pdf
      .font(o.bold ? 'B' : 'R')
      .fontSize(o.size ?? 9.5)
      .fillColor(o.color ?? '#111111')
      .text(s, o.x ?? L, o.y ?? pdf.y, { width: o.width ?? W, align: o.align ?? 'left', lineGap: 1.5 });
    return pdf.y;
  };
  draw(pdf, t);
  pdf.end();
  return done;
}

function header(
  pdf: Pdf,
  t: Parameters<Parameters<typeof build>[1]>[1],
  seller: SellerParty,
  title: string,
  sub: string[],
) {
  const L = pdf.page.margins.left;
  const W = pdf.page.width - L - pdf.page.margins.right;
  let yl = t(seller.tradingName, { y: 40, bold: true, size: 15, color: ACCENT, width: W * 0.55 });
  yl = t(`Activité portée par ${seller.name}, ${seller.legalForm}`, {
    y: yl + 2,
    size: 8.5,
    color: MUTED,
    width: W * 0.55,
  });
  yl = t(
    [
      ...addr(seller.address),
      `SIREN ${seller.siren} · RCS ${seller.rcsCity}`,
      ...(seller.vatNumber ? [`TVA ${seller.vatNumber}`] : []),
    ].join('\n'),
    { y: yl + 1, size: 8.5, color: MUTED, width: W * 0.55 },
  );
  let yr = t(title, { x: L + W * 0.5, y: 40, bold: true, size: 20, color: ACCENT, width: W * 0.5, align: 'right' });
  for (const s of sub) yr = t(s, { x: L + W * 0.5, y: yr + 1, size: 9, width: W * 0.5, align: 'right' });
  pdf.y = Math.max(yl, yr) + 16;
}
function buyerBox(
  pdf: Pdf,
  t: Parameters<Parameters<typeof build>[1]>[1],
  buyer: { name: string; address: PostalAddress; siren?: string | null },
) {
  const L = pdf.page.margins.left;
  const W = pdf.page.width - L - pdf.page.margins.right;
  const x = L + W * 0.5;
  const y0 = pdf.y;
  t('DESTINATAIRE', { x: x + 10, y: y0 + 7, size: 7, color: MUTED, width: W * 0.5 - 20 });
  let y = t(buyer.name, { x: x + 10, bold: true, width: W * 0.5 - 20 });
  y = t([...addr(buyer.address), ...(buyer.siren ? [`SIREN ${buyer.siren}`] : [])].join('\n'), {
    x: x + 10,
    size: 9,
    width: W * 0.5 - 20,
  });
  pdf
    .roundedRect(x, y0, W * 0.5, y - y0 + 8, 4)
    .lineWidth(0.6)
    .strokeColor(LINE)
    .stroke();
  pdf.y = y + 24;
}

// ── Formal notice ──────────────────────────────────────────────────────────────────────────
export interface NoticeInput {
  seller: SellerParty;
  buyer: Pick<BuyerParty, 'name' | 'address' | 'siren' | 'isBusiness'>;
  city: string;
  date: IsoDate;
  invoices: { number: string; issueDate: IsoDate; dueDate: IsoDate; dueCents: number }[];
  latePenaltyText: string;
  recoveryIndemnityText: string | null;
  deadlineDays: number;
}
export function renderNoticePdf(n: NoticeInput): Promise<Buffer> {
  const total = n.invoices.reduce((s, i) => s + i.dueCents, 0);
  return build(`Mise en demeure — ${n.buyer.name}`, (pdf, t) => {
    header(pdf, t, n.seller, 'Mise en demeure', [
      `${n.city}, le ${formatDateLong(n.date)}`,
      'Lettre recommandée avec accusé de réception',
    ]);
    buyerBox(pdf, t, n.buyer);
    t('Objet : mise en demeure de payer', { bold: true });
    pdf.moveDown(0.8);
    const paras = [
      'Madame, Monsieur,',
      `Malgré nos relances, nous constatons que ${n.invoices.length > 1 ? 'les factures suivantes restent impayées' : 'la facture suivante reste impayée'} à ce jour :`,
    ];
    for (const p of paras) {
      t(p);
      pdf.moveDown(0.6);
    }
    for (const i of n.invoices)
      t(
        `•  Facture n° ${i.number} du ${formatDateLong(i.issueDate)}, échue le ${formatDateLong(i.dueDate)} : ${formatEuros(i.dueCents)} restant dus`,
        { x: pdf.page.margins.left + 12 },
      );
    pdf.moveDown(0.6);
    t(`Soit un total de ${formatEuros(total)}.`, { bold: true });
    pdf.moveDown(0.6);
    const after = [
      `Par la présente, nous vous mettons en demeure de régler cette somme dans un délai de ${n.deadlineDays} jours à compter de la réception de ce courrier.`,
      n.latePenaltyText,
      ...(n.recoveryIndemnityText && n.buyer.isBusiness ? [n.recoveryIndemnityText] : []),
      "À défaut de paiement dans ce délai, nous nous réservons la possibilité d'engager une procédure de recouvrement. Si votre règlement a croisé ce courrier, nous vous prions de ne pas en tenir compte.",
      "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.",
      `${n.seller.contactName ? `${n.seller.contactName}\n` : ''}${n.seller.tradingName} — ${n.seller.name}`,
    ];
    for (const p of after) {
      t(p);
      pdf.moveDown(0.6);
    }
  });
}

// ── Quote ──────────────────────────────────────────────────────────────────────────────────
export interface QuotePdfInput {
  number: string;
  issueDate: IsoDate;
  validityDate: IsoDate;
  title: string | null;
  terms: string | null;
  seller: SellerParty;
  buyer: { name: string; address: PostalAddress; siren: string | null };
  lines: {
    kind: 'item' | 'section';
    description: string;
    quantityMilli: number;
    unitLabel: string;
    unitPriceCents: number;
    discountBp: number;
    vatCategory: string;
    vatRateBp: number;
    netCents: number;
  }[];
  sectionTotals: Map<number, number>;
  totals: {
    linesNetCents: number;
    discountCents: number;
    taxBasisCents: number;
    vatCents: number;
    totalInclCents: number;
    vatGroups: { label: string; baseCents: number; vatCents: number }[];
  };
  vatMentions: string[];
}
export function renderQuotePdf(q: QuotePdfInput): Promise<Buffer> {
  return build(`Devis ${q.number}`, (pdf, t) => {
    const L = pdf.page.margins.left;
    const W = pdf.page.width - L - pdf.page.margins.right;
    header(pdf, t, q.seller, 'Devis', [
      `N° ${q.number}`,
      `Date : ${formatDateLong(q.issueDate)}`,
      `Valable jusqu'au ${formatDateLong(q.validityDate)}`,
    ]);
    buyerBox(pdf, t, q.buyer);
    if (q.title) {
      t(q.title, { bold: true, size: 11 });
      pdf.moveDown(0.5);
    }
    const cols = [W * 0.42, W * 0.1, W * 0.14, W * 0.09, W * 0.09, W * 0.16];
    const heads = ['Désignation', 'Quantité', 'Prix unit. HT', 'Remise', 'TVA', 'Montant HT'];
    const row = (cells: string[], o: { bold?: boolean; fill?: string } = {}) => {
      if (pdf.y > pdf.page.height - 120) pdf.addPage();
      const y = pdf.y;
      let x = L;
      pdf.font(o.bold ? 'B' : 'R').fontSize(8.5);
      const h = Math.max(...cells.map((c, i) => pdf.heightOfString(c, { width: cols[i] - 8 }))) + 8;
      if (o.fill) pdf.rect(L, y, W, h).fill(o.fill);
      cells.forEach((c, i) => {
        pdf
          .font(o.bold ? 'B' : 'R')
          .fontSize(8.5)
          .fillColor('#111111')
          .text(c, x + 4, y + 4, { width: cols[i] - 8, align: i ? 'right' : 'left' });
        x += cols[i];
      });
      pdf.y = y + h;
    };
    row(heads, { bold: true, fill: ZEBRA });
    q.lines.forEach((l, i) => {
      if (l.kind === 'section') {
        const y = pdf.y + 4;
        pdf.y = y;
        t(l.description, { bold: true, color: ACCENT, size: 9.5 });
        return;
      }
      row([
        l.description,
        `${milliToDecimal(l.quantityMilli).replace('.', ',')} ${l.unitLabel}`,
        formatEuros(l.unitPriceCents),
        l.discountBp ? formatRateBp(l.discountBp) : '—',
        l.vatCategory === 'S' ? formatRateBp(l.vatRateBp) : l.vatCategory,
        formatEuros(l.netCents),
      ]);
      const st = q.sectionTotals.get(i);
      if (st !== undefined) row(['Sous-total', '', '', '', '', formatEuros(st)], { bold: true });
    });
    pdf.moveDown(1);
    const tr = (k: string, v: string, bold = false) => {
      const y = pdf.y;
      t(k, { x: L + W * 0.5, y, width: W * 0.3, bold });
      t(v, { x: L + W * 0.8, y, width: W * 0.2, align: 'right', bold });
    };
    tr('Total HT des lignes', formatEuros(q.totals.linesNetCents));
    if (q.totals.discountCents) tr('Remise globale', formatEuros(-q.totals.discountCents));
    tr('Total HT', formatEuros(q.totals.taxBasisCents), true);
    for (const g of q.totals.vatGroups) tr(`${g.label} sur ${formatEuros(g.baseCents)}`, formatEuros(g.vatCents));
    tr('Total TTC', formatEuros(q.totals.totalInclCents), true);
    pdf.moveDown(1);
    for (const m of q.vatMentions) t(m, { size: 8.5, color: MUTED });
    if (q.terms) {
      pdf.moveDown(0.5);
      t('Conditions', { bold: true });
      t(q.terms, { size: 9 });
    }
    pdf.moveDown(1);
    t('Bon pour accord — date, nom et signature du client :', { size: 9 });
    pdf.moveDown(3);
    pdf
      .moveTo(L + W * 0.5, pdf.y)
      .lineTo(L + W, pdf.y)
      .lineWidth(0.6)
      .strokeColor(LINE)
      .stroke();
  });
}
