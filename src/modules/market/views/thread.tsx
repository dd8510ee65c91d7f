// A quote request's thread, as the entrepreneur (Ma vitrine) and the customer (signed link) see it.
import type { ThreadMessage } from '../messages.service.ts';

/** A request's messages, oldest first; `mine` is the side reading them. */
export function Thread(p: { messages: ThreadMessage[]; mine: ThreadMessage['author']; otherName: string }) {
  if (!p.messages.length) return <p>Aucun message pour l’instant.</p>;
  const when = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' });
  return (
    <ol class="thread">
      {p.messages.map((m) => (
        <li class={m.author === p.mine ? 'thread-mine' : 'thread-theirs'}>
          <p>
            <strong>{m.author === p.mine ? 'Vous' : p.otherName}</strong> · {when.format(m.createdAt)}
          </p>
          <p class="pre-line">{m.body}</p>
        </li>
      ))}
    </ol>
  );
}
