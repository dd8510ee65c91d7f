// The digest e-mail: what is left to do (the same list as the home page, the most urgent first)
// and the news of the period, for every cooperative the person belongs to, in one calm message
// rendered by the e-mail kit. It stays short: beyond a few lines, a count.
import { formatDate, formatDateLong, type IsoDate } from '../../core/dates.ts';
import { renderEmail } from '../../web/email.tsx';
import type { DigestFrequency } from './schema.ts';

/** A digest stays short: beyond this, a count. */
export const MAX_DIGEST_LINES = 20;

export interface DigestTodo {
  title: string;
  dueDate: IsoDate | null;
  urgent: boolean;
}
export interface DigestNews {
  text: string;
  urgent: boolean;
}
/** One cooperative's part of the digest. */
export interface DigestSection {
  cooperativeName: string;
  frequency: DigestFrequency;
  todo: DigestTodo[];
  news: DigestNews[];
}
export interface DigestMail {
  subject: string;
  text: string;
  html: string;
  /** RFC 2369 and RFC 8058: mail clients offer "unsubscribe" and may do it in one click. */
  headers: Record<string, string>;
}

const firstName = (n: string) => n.split(' ')[0] || n;
const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

function lines<T>(items: T[], budget: { left: number }, line: (x: T) => string): string[] {
  const shown = items.slice(0, Math.max(0, budget.left));
  budget.left -= shown.length;
  const more = items.length - shown.length;
  return [
    ...shown.map(line),
    ...(more > 0 ? [`… et ${plural(more, 'autre', 'autres')}, à retrouver dans Radieuse.`] : []),
  ];
}

export function renderDigest(p: {
  name: string;
  sections: DigestSection[];
  inboxUrl: string;
  unsubscribeUrl: string;
  today: IsoDate;
}): DigestMail {
  const weekly = p.sections.some((s) => s.frequency === 'weekly');
  const period = weekly ? 'cette semaine' : 'depuis hier';
  const todo = p.sections.reduce((n, s) => n + s.todo.length, 0);
  const news = p.sections.reduce((n, s) => n + s.news.length, 0);
  const parts = [
    ...(todo ? [plural(todo, 'chose à faire', 'choses à faire')] : []),
    ...(news ? [`${plural(news, 'nouvelle', 'nouvelles')} ${period}`] : []),
  ];
  const subject = `Radieuse : ${parts.join(' et ')}`;
  const several = p.sections.length > 1;
  const budget = { left: MAX_DIGEST_LINES };
  const paragraphs = [
    `Bonjour ${firstName(p.name)},`,
    `Voici, en un seul message, ce qui vous attend et ce qui s'est passé ${period}. Le plus urgent vient en premier.`,
  ];
  for (const s of p.sections) {
    if (several) paragraphs.push(s.cooperativeName.toUpperCase());
    if (s.todo.length)
      paragraphs.push(
        [
          'À faire :',
          ...lines(
            s.todo,
            budget,
            (t) =>
              `- ${t.urgent ? '[Urgent] ' : ''}${t.title}${t.dueDate ? ` (échéance ${formatDate(t.dueDate)})` : ''}`,
          ),
        ].join('\n'),
      );
    if (s.news.length)
      paragraphs.push(
        ['Nouvelles :', ...lines(s.news, budget, (n) => `- ${n.urgent ? '[Urgent] ' : ''}${n.text}`)].join('\n'),
      );
  }
  const mail = renderEmail({
    paragraphs,
    action: { label: "Voir ce qu'il reste à faire", href: p.inboxUrl },
    footer: [
      `Résumé du ${formatDateLong(p.today)}. Vous le recevez parce que vous êtes membre de ${several ? 'ces coopératives' : 'cette coopérative'}.`,
      `Pour ne plus recevoir ces messages : ${p.unsubscribeUrl}`,
    ],
  });
  return {
    subject,
    ...mail,
    headers: {
      'List-Unsubscribe': `<${p.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
