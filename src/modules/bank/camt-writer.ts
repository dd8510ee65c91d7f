// Writes a CAMT.053.001.02 statement (demo data and tests): what a bank would send us.
import { centsToDecimal } from '../../core/money.ts';
import type { IsoDate } from '../../core/dates.ts';

export interface CamtEntry {
  amountCents: number;
  bookingDate: IsoDate;
  valueDate?: IsoDate;
  label: string;
  counterpartyName?: string | null;
  counterpartyIban?: string | null;
  endToEndId?: string | null;
  bankRef: string;
  /** ISO bank transaction code "DOMAIN-FAMILY-SUBFAMILY" (e.g. ACMT-MDOP-CHRG for charges). */
  bankCode?: string | null;
}
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function writeCamt053(p: { messageId: string; iban: string; createdAt: string; entries: CamtEntry[] }): string {
  const entries = p.entries
    .map((e) => {
      const credit = e.amountCents >= 0;
      const party = credit ? 'Dbtr' : 'Cdtr';
      const amt = centsToDecimal(Math.abs(e.amountCents));
      return `      <Ntry>
        <Amt Ccy="EUR">${amt}</Amt>
        <CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>${e.bookingDate}</Dt></BookgDt>
        <ValDt><Dt>${e.valueDate ?? e.bookingDate}</Dt></ValDt>
        <AcctSvcrRef>${esc(e.bankRef)}</AcctSvcrRef>${
          e.bankCode
            ? (
                ([d, f, sf]) =>
                  `\n        <BkTxCd><Domn><Cd>${esc(d)}</Cd><Fmly><Cd>${esc(f)}</Cd><SubFmlyCd>${esc(sf)}</SubFmlyCd></Fmly></Domn></BkTxCd>`
              )(e.bankCode.split('-'))
            : ''
        }
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>${esc(e.endToEndId ?? 'NOTPROVIDED')}</EndToEndId></Refs>
          ${e.counterpartyName ? `<RltdPties><${party}><Nm>${esc(e.counterpartyName)}</Nm></${party}>${e.counterpartyIban ? `<${party}Acct><Id><IBAN>${e.counterpartyIban}</IBAN></Id></${party}Acct>` : ''}</RltdPties>` : ''}
          <RmtInf><Ustrd>${esc(e.label)}</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>${esc(p.messageId)}</MsgId><CreDtTm>${p.createdAt}</CreDtTm></GrpHdr>
    <Stmt>
      <Id>${esc(p.messageId)}</Id>
      <CreDtTm>${p.createdAt}</CreDtTm>
      <Acct><Id><IBAN>${p.iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
${entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
}
