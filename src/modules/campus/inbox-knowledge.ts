// The knowledge base in the inbox (and so in the weekly digest): the articles promoted to the
// network during the last seven days, one calm line each, as advice (a nudge never sends a digest
// on its own nor counts as a task). Computed from the articles through the service.
import { addDays, formatDate } from '../../core/dates.ts';
import { can } from '../../core/authz.ts';
import { registerInboxProvider, type InboxItem } from '../inbox/index.ts';
import { promotedSince } from './articles.service.ts';
import { CAMPUS } from './permissions.ts';

export const PROMOTED_WINDOW_DAYS = 7;

registerInboxProvider({
  name: 'campus-knowledge',
  async items(trx, actor, today) {
    if (!can(actor, CAMPUS.read)) return [];
    const since = new Date(`${addDays(today, -PROMOTED_WINDOW_DAYS)}T00:00:00Z`);
    const rows = await promotedSince(trx, actor, since);
    return rows.slice(0, 5).map(
      (a): InboxItem => ({
        key: `campus.article.promoted:${a.id}`,
        kind: 'campus.article.promoted',
        urgency: 'low',
        dueDate: null,
        title: `Nouvel article du réseau : « ${a.title} »`,
        why: `Promu au réseau le ${formatDate(a.promotedAt ?? a.updatedAt)}, écrit à ${a.cooperativeName} par ${a.authorLabel}.`,
        action: { label: 'Lire l’article', href: `/campus/articles/${a.id}` },
        link: `/campus/articles/${a.id}`,
        nudge: true,
      }),
    );
  },
});
