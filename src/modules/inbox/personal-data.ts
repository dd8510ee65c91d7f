// The inbox's personal data: notifications, digest preferences, snoozed items, calendar feeds.
import { sql } from 'kysely';
import type { PersonalDataRules } from '../../core/personal-data.ts';

const byUser = (table: string, label: string) => ({
  table,
  label,
  match: (p: { userId: string | null }) => sql`user_id = ${p.userId}`,
  erase: { kind: 'delete' as const },
});

export const inboxPersonalData: PersonalDataRules = {
  module: 'inbox',
  retention: [
    {
      table: 'notification',
      label: 'notifications, 1 an',
      expired: sql`created_at < now() - interval '1 year'`,
      erase: { kind: 'delete' },
    },
  ],
  rules: [
    byUser('notification', 'notifications'),
    byUser('notification_preference', 'préférences du résumé'),
    byUser('inbox_snooze', 'éléments reportés de la liste « À faire »'),
    byUser('inbox_calendar_feed', 'abonnement au calendrier des échéances'),
  ],
};
