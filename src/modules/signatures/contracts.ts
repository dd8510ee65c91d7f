// The contracts a person signs, one short template per kind in plain French, and their PDF
// (pdfkit with the DejaVu fonts the other documents use, so accents render). The templates hold
// the key clauses only: a cooperative replaces them with its own text by editing this file;
// what is signed is exactly the PDF shown, whose SHA-256 goes into the evidence file.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import { formatDateLong, type IsoDate } from '../../core/dates.ts';
import { formatEuros } from '../../core/money.ts';
import type { SignatureKind } from './schema.ts';

const fonts = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');

export const KIND_LABELS: Record<SignatureKind, string> = {
  cape: "Contrat d'appui au projet d'entreprise (CAPE)",
  cesa: "Contrat d'entrepreneur·e salarié·e associé·e (CESA)",
  amendment: 'Avenant au contrat',
  'associate-application': 'Candidature au sociétariat',
};

/** What the preparer types; amounts in integer cents. */
export interface ContractTerms {
  startDate: IsoDate;
  endDate: IsoDate | null;
  amountCents: number | null;
  subject: string | null;
}

export interface ContractParties {
  cooperative: {
    name: string;
    legalForm: string;
    siren: string;
    rcsCity: string;
    address: string;
    capitalCents: number;
  };
  person: { name: string; email: string };
  activity: { name: string; analyticCode: string } | null;
  preparer: string;
}

/** The title shown in lists and on the PDF. */
export function contractTitle(kind: SignatureKind, personName: string, terms: ContractTerms): string {
  const base = kind === 'amendment' && terms.subject ? `Avenant : ${terms.subject}` : KIND_LABELS[kind];
  return `${base} — ${personName}`.slice(0, 200);
}

const d = (x: IsoDate) => formatDateLong(x);

/** The clauses of each kind, as paragraphs: a heading and its text. */
export function contractClauses(kind: SignatureKind, p: ContractParties, t: ContractTerms): [string, string][] {
  const coop = p.cooperative.name;
  const who = p.person.name;
  const activity = p.activity ? `« ${p.activity.name} » (code ${p.activity.analyticCode})` : 'son activité';
  switch (kind) {
    case 'cape':
      return [
        [
          'Objet',
          `${coop} accompagne ${who} pour tester ${activity} en conditions réelles, sous le numéro SIREN de la coopérative, sans que ${who} ne crée d'entreprise.`,
        ],
        [
          'Durée',
          `Le contrat commence le ${d(t.startDate)}${t.endDate ? ` et prend fin le ${d(t.endDate)}` : ''}. Il peut être renouvelé deux fois, sans dépasser trois ans en tout.`,
        ],
        [
          'Engagements de la coopérative',
          "Elle fournit l'appui (rendez-vous, ateliers), tient la comptabilité de l'activité et assure les responsabilités civiles liées à l'activité.",
        ],
        [
          'Engagements de la personne',
          "Elle suit l'accompagnement, fait passer toutes ses ventes et ses achats par la coopérative et l'informe de tout changement de situation.",
        ],
        [
          'Statut',
          "Le CAPE n'est pas un contrat de travail : la personne garde ses droits (allocations, minima sociaux) selon les règles qui lui sont propres.",
        ],
        [
          'Contribution',
          "Une contribution au fonctionnement de la coopérative est prélevée sur le chiffre d'affaires encaissé, au taux fixé par le règlement intérieur.",
        ],
      ];
    case 'cesa':
      return [
        [
          'Objet',
          `${who} devient entrepreneur·e salarié·e de ${coop} pour exercer ${activity}, et s'engage à demander à devenir associé·e dans les trois ans.`,
        ],
        [
          'Durée',
          t.endDate
            ? `Le contrat commence le ${d(t.startDate)} et prend fin le ${d(t.endDate)}.`
            : `Le contrat commence le ${d(t.startDate)}, pour une durée indéterminée.`,
        ],
        [
          'Rémunération',
          t.amountCents != null
            ? `La rémunération brute mensuelle de départ est de ${formatEuros(t.amountCents)}, revue selon le chiffre d'affaires de l'activité, après contribution et charges.`
            : "La rémunération est calculée chaque mois à partir du chiffre d'affaires de l'activité, après contribution et charges.",
        ],
        [
          'Autonomie et engagements',
          'La personne organise librement son activité ; elle respecte le règlement intérieur, tient la coopérative informée et passe par elle toutes ses ventes et ses achats.',
        ],
        [
          'Protection sociale',
          'La personne bénéficie du régime général des salarié·es : assurance maladie, retraite, assurance chômage dans les conditions de droit commun.',
        ],
      ];
    case 'amendment':
      return [
        [
          'Objet',
          `Le présent avenant modifie le contrat qui lie ${who} à ${coop} : ${t.subject ?? 'voir ci-dessous'}.`,
        ],
        [
          "Prise d'effet",
          `Il prend effet le ${d(t.startDate)}${t.endDate ? ` et s'applique jusqu'au ${d(t.endDate)}` : ''}.`,
        ],
        ...(t.amountCents != null
          ? ([['Montant', `Le montant convenu est de ${formatEuros(t.amountCents)}.`]] as [string, string][])
          : []),
        [
          'Le reste du contrat',
          "Toutes les autres clauses du contrat restent inchangées et continuent de s'appliquer.",
        ],
      ];
    case 'associate-application':
      return [
        [
          'Demande',
          `${who} demande à devenir associé·e de ${coop}, ${p.cooperative.legalForm}, au capital variable de départ de ${formatEuros(p.cooperative.capitalCents)}.`,
        ],
        [
          'Souscription',
          `La personne souscrit des parts sociales pour un montant de ${formatEuros(t.amountCents ?? 0)}, versé au plus tard le ${d(t.startDate)} (en une fois ou par retenues sur salaire, selon les statuts).`,
        ],
        [
          'Décision',
          "La candidature est soumise à l'assemblée générale (ou au conseil selon les statuts), qui l'accepte ou la refuse ; la personne en est informée par écrit.",
        ],
        [
          'Droits et engagements',
          "Chaque associé·e dispose d'une voix, quel que soit le nombre de ses parts. Les parts sont remboursées à leur valeur nominale en cas de départ, dans les conditions des statuts.",
        ],
      ];
  }
}

/** The PDF of the contract, as shown to the signer. Deterministic for the same input and date. */
export async function contractPdf(
  kind: SignatureKind,
  title: string,
  p: ContractParties,
  t: ContractTerms,
  preparedOn: Date,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 50, bottom: 60, left: 55, right: 55 },
    lang: 'fr-FR',
    displayTitle: true,
    info: { Title: title, Creator: 'Radieuse', Producer: 'Radieuse (PDFKit)', CreationDate: preparedOn },
  });
  doc.registerFont('body', join(fonts, 'DejaVuSans.ttf'));
  doc.registerFont('bold', join(fonts, 'DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((res) => doc.on('end', () => res()));
  const c = p.cooperative;
  doc.font('bold').fontSize(10).text(c.name);
  doc
    .font('body')
    .fontSize(9)
    .text(`${c.legalForm} · SIREN ${c.siren} · RCS ${c.rcsCity}`)
    .text(c.address)
    .moveDown(1.5);
  doc.font('bold').fontSize(16).text(KIND_LABELS[kind]);
  if (kind === 'amendment' && t.subject) doc.font('body').fontSize(11).text(t.subject);
  doc.moveDown();
  doc.font('bold').fontSize(11).text('Entre');
  doc
    .font('body')
    .fontSize(10)
    .text(`${c.name}, représentée par sa direction (dossier préparé par ${p.preparer}),`)
    .text('et')
    .text(`${p.person.name} (${p.person.email})${p.activity ? `, pour l'activité ${p.activity.name}` : ''}.`)
    .moveDown();
  for (const [heading, text] of contractClauses(kind, p, t)) {
    doc.font('bold').fontSize(11).text(heading);
    doc.font('body').fontSize(10).text(text, { align: 'justify' }).moveDown(0.6);
  }
  doc.moveDown();
  doc
    .font('body')
    .fontSize(9)
    .fillColor('#444')
    .text(
      `Document préparé le ${formatDateLong(preparedOn.toISOString().slice(0, 10))}. Il est signé électroniquement (signature électronique simple : code à usage unique envoyé par e-mail), puis scellé avec le certificat de ${c.name}. Le dossier de preuve (date, adresse IP, empreinte du document) est conservé avec le contrat signé.`,
    );
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
