// SEPA credit transfers: pain.001.001.03 XML for a batch of payments (reimbursements, supplier
// payments). Pure: the caller gives the debtor and a plain list of creditors with amounts in cents.
// IBAN (mod 97) and BIC are checked; NbOfTxs and CtrlSum are computed from integer cents; texts are
// reduced to the SEPA character set and cut to the banks' maximum lengths.
import { isIban, isBic } from '../../core/identifiers.ts';
import { isIsoDate, parisDateTime, type IsoDate } from '../../core/dates.ts';
import { centsToDecimal } from '../../core/money.ts';
import { UserError } from '../../core/errors.ts';

export interface SepaParty {
  name: string;
  iban: string;
  bic?: string | null;
}
export interface SepaPayment {
  creditor: SepaParty;
  amountCents: number;
  remittance: string;
  endToEndId: string;
}
export interface SepaBatch {
  messageId: string;
  createdAt: Date;
  executionDate: IsoDate;
  debtor: SepaParty;
  payments: SepaPayment[];
}

/** The SEPA Latin character set: a-z A-Z 0-9 / - ? : ( ) . , ' + space. Accents are dropped, others become spaces. */
export function sepaText(s: string, max: number): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
    .trim();
}
const ID_RE = /^[A-Za-z0-9/\-?:().,'+]{1,35}$/;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cleanIban = (s: string) => s.replace(/\s/g, '').toUpperCase();

export function validateBatch(b: SepaBatch): string[] {
  const errs: string[] = [];
  if (!ID_RE.test(b.messageId)) errs.push('Identifiant du message invalide (35 caractères SEPA au plus).');
  if (!isIsoDate(b.executionDate)) errs.push("Date d'exécution invalide.");
  if (!isIban(cleanIban(b.debtor.iban))) errs.push(`IBAN du donneur d'ordre invalide : ${b.debtor.iban}`);
  if (b.debtor.bic && !isBic(b.debtor.bic)) errs.push(`BIC du donneur d'ordre invalide : ${b.debtor.bic}`);
  if (!sepaText(b.debtor.name, 70)) errs.push("Nom du donneur d'ordre manquant.");
  if (!b.payments.length) errs.push('Aucun virement dans le lot.');
  const ids = new Set<string>();
  b.payments.forEach((p, i) => {
    const n = `Virement ${i + 1} (${p.creditor.name})`;
    if (!Number.isSafeInteger(p.amountCents) || p.amountCents <= 0) errs.push(`${n} : montant invalide.`);
    else if (p.amountCents > 99999999999) errs.push(`${n} : montant trop élevé.`);
    if (!isIban(cleanIban(p.creditor.iban))) errs.push(`${n} : IBAN invalide (clé de contrôle) : ${p.creditor.iban}`);
    if (p.creditor.bic && !isBic(p.creditor.bic)) errs.push(`${n} : BIC invalide : ${p.creditor.bic}`);
    if (!sepaText(p.creditor.name, 70)) errs.push(`${n} : nom du bénéficiaire manquant.`);
    if (!ID_RE.test(p.endToEndId)) errs.push(`${n} : référence de bout en bout invalide (35 caractères SEPA au plus).`);
    else if (ids.has(p.endToEndId)) errs.push(`${n} : référence de bout en bout en double.`);
    ids.add(p.endToEndId);
  });
  return errs;
}

/** Builds the pain.001.001.03 document; throws a UserError listing every problem. */
export function buildPain001(b: SepaBatch): string {
  const errs = validateBatch(b);
  if (errs.length) throw new UserError(`Lot de virements refusé :\n${errs.join('\n')}`);
  const total = b.payments.reduce((t, p) => t + p.amountCents, 0);
  if (!Number.isSafeInteger(total)) throw new UserError('Total du lot trop élevé.');
  const nb = String(b.payments.length);
  const sum = centsToDecimal(total);
  const created = parisDateTime(b.createdAt);
  const bicXml = (bic: string | null | undefined) =>
    bic
      ? `<FinInstnId><BIC>${cleanIban(bic)}</BIC></FinInstnId>`
      : '<FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId>';
  const tx = b.payments
    .map(
      (p) => `
      <CdtTrfTxInf>
        <PmtId><EndToEndId>${esc(p.endToEndId)}</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="EUR">${centsToDecimal(p.amountCents)}</InstdAmt></Amt>
        ${p.creditor.bic ? `<CdtrAgt>${bicXml(p.creditor.bic)}</CdtrAgt>` : ''}
        <Cdtr><Nm>${esc(sepaText(p.creditor.name, 70))}</Nm></Cdtr>
        <CdtrAcct><Id><IBAN>${cleanIban(p.creditor.iban)}</IBAN></Id></CdtrAcct>
        <RmtInf><Ustrd>${esc(sepaText(p.remittance, 140) || 'Virement')}</Ustrd></RmtInf>
      </CdtTrfTxInf>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <CstmrCdtTrfInitn>
    <GrpHdr>
      <MsgId>${esc(b.messageId)}</MsgId>
      <CreDtTm>${created}</CreDtTm>
      <NbOfTxs>${nb}</NbOfTxs>
      <CtrlSum>${sum}</CtrlSum>
      <InitgPty><Nm>${esc(sepaText(b.debtor.name, 70))}</Nm></InitgPty>
    </GrpHdr>
    <PmtInf>
      <PmtInfId>${esc(b.messageId)}</PmtInfId>
      <PmtMtd>TRF</PmtMtd>
      <BtchBookg>true</BtchBookg>
      <NbOfTxs>${nb}</NbOfTxs>
      <CtrlSum>${sum}</CtrlSum>
      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>
      <ReqdExctnDt>${b.executionDate}</ReqdExctnDt>
      <Dbtr><Nm>${esc(sepaText(b.debtor.name, 70))}</Nm></Dbtr>
      <DbtrAcct><Id><IBAN>${cleanIban(b.debtor.iban)}</IBAN></Id></DbtrAcct>
      <DbtrAgt>${bicXml(b.debtor.bic)}</DbtrAgt>
      <ChrgBr>SLEV</ChrgBr>${tx}
    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>
`;
}
