// The quote events (events.ts), emitted by quote.service.ts in the transaction of each action:
// what they all tell of the quote, built from the quote as the action left it.
import type { Actor } from '../../core/actor.ts';
import type { IsoDate } from '../../core/dates.ts';
import type { Tx } from '../../core/db/tenant.ts';
import { emit } from '../../core/events.ts';
import { activityFactsOrFail } from '../directory/index.ts';
import {
  SALES_EVENTS,
  type QuoteAccepted,
  type QuoteFacts,
  type QuoteInvoiced,
  type QuoteRefused,
  type QuoteSent,
} from './events.ts';

/** What the events take of a quote (quote.service.ts's `Quote` fits; no import back to it). */
interface Quote {
  id: string;
  number: string;
  title: string | null;
  customerId: string;
  customerName: string;
  activityId: string;
  issueDate: IsoDate;
  validityDate: IsoDate;
  totalExclCents: number;
  vatCents: number;
  totalInclCents: number;
}

async function facts(trx: Tx, actor: Actor, q: Quote, date: IsoDate): Promise<QuoteFacts> {
  const act = await activityFactsOrFail(trx, actor.cooperativeId, q.activityId);
  return {
    quoteId: q.id,
    number: q.number,
    title: q.title,
    customerId: q.customerId,
    customerName: q.customerName,
    activityId: q.activityId,
    activityCode: act.analyticCode,
    issueDate: q.issueDate,
    validityDate: q.validityDate,
    totalExclCents: q.totalExclCents,
    vatCents: q.vatCents,
    totalInclCents: q.totalInclCents,
    date,
  };
}

export async function emitQuoteSent(trx: Tx, actor: Actor, q: Quote, date: IsoDate, resent: boolean) {
  const payload: QuoteSent = { ...(await facts(trx, actor, q, date)), resent };
  await emit(trx, actor, SALES_EVENTS.quoteSent, payload);
}

export async function emitQuoteAccepted(
  trx: Tx,
  actor: Actor,
  q: Quote,
  date: IsoDate,
  how: { via: QuoteAccepted['via']; acceptedByName: string | null },
) {
  const payload: QuoteAccepted = { ...(await facts(trx, actor, q, date)), ...how };
  await emit(trx, actor, SALES_EVENTS.quoteAccepted, payload);
}

export async function emitQuoteRefused(trx: Tx, actor: Actor, q: Quote, date: IsoDate, via: QuoteRefused['via']) {
  const payload: QuoteRefused = { ...(await facts(trx, actor, q, date)), via };
  await emit(trx, actor, SALES_EVENTS.quoteRefused, payload);
}

export async function emitQuoteInvoiced(
  trx: Tx,
  actor: Actor,
  q: Quote,
  date: IsoDate,
  invoice: Pick<
    QuoteInvoiced,
    | 'invoiceId'
    | 'kind'
    | 'typeCode'
    | 'invoiceIssueDate'
    | 'invoiceTotalInclCents'
    | 'invoicedCents'
    | 'remainingCents'
  >,
) {
  const payload: QuoteInvoiced = { ...(await facts(trx, actor, q, date)), ...invoice };
  await emit(trx, actor, SALES_EVENTS.quoteInvoiced, payload);
}
