// When sales says an invoice is fully paid, the customer gets a review link (if the activity has
// a marketplace profile and the customer an e-mail address).
import { onEvent } from '../../core/events.ts';
import { SALES_EVENTS, type InvoicePaid } from '../sales/index.ts';
import { issueAndMailReviewLinks, issueReviewLink, mailReviewLink } from './reviews.service.ts';

const publicUrl = () => process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;

onEvent<InvoicePaid>(
  SALES_EVENTS.invoicePaid,
  async (tx, actor, p) => {
    if (!p.customerEmail) return;
    const token = await issueReviewLink(tx, actor.cooperativeId, p);
    if (token)
      await mailReviewLink(tx, actor.cooperativeId, p.customerEmail, p.customerName, p.activityId, token, publicUrl());
  },
  // A statement's payments: three statements for all its paid invoices instead of three each.
  (tx, actor, ps) => issueAndMailReviewLinks(tx, actor.cooperativeId, ps, publicUrl()),
);
