// Learning in the inbox (and so in the digest): a course of a cohort to finish by its due date,
// from two weeks before it; urgent from three days before, and once late.
import { addDays, formatDate } from '../../core/dates.ts';
import { registerInboxProvider, type InboxItem } from '../inbox/index.ts';
import { myDueCourses } from './cohorts.service.ts';

export const DUE_WARNING_DAYS = 14;

registerInboxProvider({
  name: 'learning',
  async items(trx, actor, today) {
    const items: InboxItem[] = [];
    for (const c of await myDueCourses(trx, actor)) {
      if (c.dueOn > addDays(today, DUE_WARNING_DAYS)) continue;
      const late = c.dueOn < today;
      items.push({
        key: `learning.due:${c.courseId}`,
        kind: 'learning.due',
        urgency: late || c.dueOn <= addDays(today, 3) ? 'high' : 'medium',
        dueDate: c.dueOn,
        title: late
          ? `Formation « ${c.title} » : l’échéance du ${formatDate(c.dueOn)} est passée`
          : `Terminer la formation « ${c.title} » avant le ${formatDate(c.dueOn)}`,
        why: 'Votre groupe suit cette formation ensemble ; l’équipe suit sa progression.',
        action: { label: 'Reprendre la formation', href: `/formations/${c.courseId}` },
        link: `/formations/${c.courseId}`,
      });
    }
    return items;
  },
});
