// An invoice or credit note of a joint quote: the partners' shares move to their analytic codes,
// in the validation's transaction (after the ledger posted the invoice: the ledger's handlers are
// registered first, src/app/modules.ts lists it before the market).
import { onEvent } from '../../core/events.ts';
import { SALES_EVENTS, type InvoiceValidated } from '../sales/index.ts';
import { splitJointInvoice } from './joint.service.ts';

onEvent<InvoiceValidated>(SALES_EVENTS.invoiceValidated, async (tx, actor, p) => {
  await splitJointInvoice(tx, actor, p);
});
onEvent<InvoiceValidated>(SALES_EVENTS.creditNoteValidated, async (tx, actor, p) => {
  await splitJointInvoice(tx, actor, { ...p, typeCode: '381' });
});
