// pain.001.001.03: no package ships the ISO 20022 XSD (none found in the npm registry list), so the
// document is parsed back and checked field by field against the banks' SEPA rules: counts, control
// sum from integer cents, max lengths, SEPA character set, IBAN (mod 97) and BIC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { makeIban, isIban } from '../../core/identifiers.ts';
import { buildPain001, validateBatch, sepaText, type SepaBatch } from './sepa.ts';

/** The parts of a parsed pain.001 credit transfer the tests read. */
interface PainTransfer {
  Amt: { InstdAmt: { '#text': string; '@_Ccy': string } };
  CdtrAcct: { Id: { IBAN: string } };
  Cdtr: { Nm: string };
  CdtrAgt: { FinInstnId: { BIC: string } };
  RmtInf: { Ustrd: string };
  PmtId: { EndToEndId: string };
}

const debtor = { name: 'Coopérative Alpha & Cie', iban: makeIban('FR', '30004000310000001234567'), bic: 'BNPAFRPPXXX' };
const batch = (n: number): SepaBatch => ({
  messageId: 'LOT-2026-11-001',
  createdAt: new Date('2026-11-26T09:30:00Z'),
  executionDate: '2026-11-27',
  debtor,
  payments: Array.from({ length: n }, (_, i) => ({
    creditor: {
      name: i === 0 ? 'Élodie Müller-Ström <notes de frais>' : `Fournisseur ${i} SARL`,
      iban: makeIban('FR', `10278${String(i * 7919).padStart(18, '0')}`),
      bic: i % 2 ? 'CMCIFR2A' : null,
    },
    amountCents: [1, 10, 99, 12345, 100000001, 33][i % 6] + i,
    remittance: `Remboursement note de frais n° ${i} — octobre`,
    endToEndId: `NDF-2026-${i}`,
  })),
});
const parse = (xml: string) =>
  new XMLParser({
    parseTagValue: false,
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    processEntities: false,
    isArray: (n) => n === 'CdtTrfTxInf',
  }).parse(xml);
const toCents = (s: string) => {
  const m = /^(\d+)\.(\d{2})$/.exec(s);
  assert.ok(m, `montant ${s} : 2 décimales, point`);
  return Number(m![1]) * 100 + Number(m![2]);
};

test('pain.001.001.03: counts and control sum exact, fields within SEPA rules', () => {
  const b = batch(250);
  const xml = buildPain001(b);
  assert.equal(XMLValidator.validate(xml), true);
  const doc = parse(xml).Document;
  assert.equal(doc['@_xmlns'], 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.03');
  const grp = doc.CstmrCdtTrfInitn.GrpHdr;
  const inf = doc.CstmrCdtTrfInitn.PmtInf;
  const expected = b.payments.reduce((t, p) => t + p.amountCents, 0);
  assert.equal(grp.NbOfTxs, '250');
  assert.equal(inf.NbOfTxs, '250');
  assert.equal(toCents(grp.CtrlSum), expected);
  assert.equal(toCents(inf.CtrlSum), expected);
  // Paris time with its offset (issue 20 #13): 09:30 UTC is 10:30 in Paris in November.
  assert.equal(grp.CreDtTm, '2026-11-26T10:30:00+01:00');
  assert.equal(inf.PmtMtd, 'TRF');
  assert.equal(inf.PmtTpInf.SvcLvl.Cd, 'SEPA');
  assert.equal(inf.ChrgBr, 'SLEV');
  assert.equal(inf.ReqdExctnDt, '2026-11-27');
  assert.equal(inf.DbtrAcct.Id.IBAN, debtor.iban);
  assert.equal(inf.DbtrAgt.FinInstnId.BIC, 'BNPAFRPPXXX');
  const txs = inf.CdtTrfTxInf as PainTransfer[];
  assert.equal(txs.length, 250);
  const allowed = /^[A-Za-z0-9/\-?:().,'+ ]*$/;
  let sum = 0;
  txs.forEach((t, i) => {
    const p = b.payments[i];
    assert.equal(t.Amt.InstdAmt['@_Ccy'], 'EUR');
    assert.equal(toCents(t.Amt.InstdAmt['#text']), p.amountCents);
    sum += toCents(t.Amt.InstdAmt['#text']);
    assert.ok(isIban(t.CdtrAcct.Id.IBAN));
    assert.ok(t.Cdtr.Nm.length <= 70 && allowed.test(t.Cdtr.Nm), t.Cdtr.Nm);
    assert.ok(t.RmtInf.Ustrd.length <= 140 && allowed.test(t.RmtInf.Ustrd), t.RmtInf.Ustrd);
    assert.ok(t.PmtId.EndToEndId.length <= 35);
    if (p.creditor.bic) assert.equal(t.CdtrAgt.FinInstnId.BIC, p.creditor.bic);
    else assert.equal(t.CdtrAgt, undefined);
  });
  assert.equal(sum, expected);
  assert.equal(txs[0].Cdtr.Nm, 'Elodie Muller-Strom notes de frais');
  assert.ok(allowed.test(inf.Dbtr.Nm) && inf.Dbtr.Nm === 'Cooperative Alpha Cie');
});

test('pain.001: bad IBAN, BIC, amounts and duplicate references are refused, each named', () => {
  const b = batch(3);
  b.payments[0].creditor.iban =
    b.payments[0].creditor.iban.slice(0, -1) + ((Number(b.payments[0].creditor.iban.slice(-1)) + 1) % 10);
  b.payments[1].creditor.bic = 'CMCI FR';
  b.payments[2].amountCents = 0;
  b.payments[2].endToEndId = b.payments[1].endToEndId;
  const errs = validateBatch(b);
  assert.equal(errs.length, 4);
  assert.match(errs[0], /Virement 1 .*IBAN invalide/);
  assert.match(errs[1], /Virement 2 .*BIC invalide/);
  assert.match(errs[2], /Virement 3 .*montant invalide/);
  assert.match(errs[3], /Virement 3 .*en double/);
  assert.throws(() => buildPain001(b), /Lot de virements refusé/);
  assert.throws(() => buildPain001({ ...batch(1), payments: [] }), /Aucun virement/);
  assert.equal(sepaText('Ça coûte 5 € & plus', 11), 'Ca coute 5');
});
