// A person page: their stage and history, documents and appointments; for the team, the cards
// that move the journey and correct it. The person sees the same page about themselves.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { PageHeader, Card, EmptyState } from '../../../web/components.tsx';
import { formatDate } from '../../../core/dates.ts';
import type { JourneyFile } from '../journey-file.service.ts';
import { EXIT_REASON_LABELS } from '../stages.ts';
import { parisDate } from '../paris-time.ts';
import { hoursFr } from './format.ts';
import { TransitionCard, CorrectionCard, type FormState } from './person-cards.tsx';
import { DocumentsCard } from './person-documents.tsx';
import { AppointmentsCard } from './person-appointments.tsx';

export interface PersonForms {
  correction?: FormState;
  transition?: FormState;
  appointment?: FormState;
  document?: FormState;
}
const none: FormState = { values: {}, errors: {} };

interface TimelineEntry {
  at: string;
  text: string;
  detail?: string | null;
  href?: string;
}
function timelineOf(f: JourneyFile): TimelineEntry[] {
  const label = (s: keyof JourneyFile['config']) => f.config[s].label;
  return [
    ...f.history.map((h) => ({
      at: h.effectiveOn,
      text: h.data.reverses
        ? `Correction : retour à « ${label(h.to)} » — par ${h.authorLabel}`
        : h.from === 'cape' && h.to === 'cape'
          ? `CAPE renouvelé jusqu'au ${formatDate(String(h.data.capeEnd))}`
          : `${label(h.to)}${h.exitReason ? ` (${EXIT_REASON_LABELS[h.exitReason]})` : ''}${
              h.to === 'cape' && h.data.capeEnd
                ? ` du ${formatDate(String(h.data.capeStart))} au ${formatDate(String(h.data.capeEnd))}`
                : ''
            } — par ${h.authorLabel}`,
      detail: h.comment,
    })),
    ...f.appointments.map((a) => ({
      at: parisDate(a.startsAt),
      text: `Rendez-vous : ${a.subject} avec ${a.supportName}${a.status === 'cancelled' ? ' (annulé)' : ''}`,
      href: `/rendez-vous/${a.id}`,
    })),
    ...f.documents.map((d) => ({ at: parisDate(d.createdAt), text: `Document déposé : ${d.kind}` })),
  ].sort((x, y) => y.at.localeCompare(x.at));
}

export function PersonPage(p: {
  c: Ctx;
  file: JourneyFile;
  /** What the actor may do here (chosen by the route from the permissions). */
  can: { transition: boolean; correct: boolean; recordAppointment: boolean; team: boolean };
  today: string;
  appointmentDefaults: Record<string, string>;
  forms: PersonForms;
}) {
  const { c, file: f, forms } = p;
  const j = f.journey;
  const stageLine = `${f.config[j.stage].label} depuis le ${formatDate(j.stageSince)}${
    j.stage === 'cape' && j.capeEnd
      ? ` · CAPE jusqu'au ${formatDate(j.capeEnd)}${j.capeRenewals ? ` (renouvelé ${j.capeRenewals} fois)` : ''}`
      : ''
  }${j.exitReason ? ` · ${EXIT_REASON_LABELS[j.exitReason]}` : ''}`;
  return (
    <Layout c={c} title={j.displayName} wide>
      <PageHeader title={j.displayName} help={stageLine} />
      <p>
        {[j.email, j.phone].filter(Boolean).join(' · ')}
        {f.hours ? ` · Ateliers suivis : ${f.hours.sessions} (${hoursFr(f.hours.hours)})` : ''}
      </p>
      {p.can.transition ? (
        <TransitionCard
          c={c}
          journey={j}
          config={f.config}
          form={{
            values: { effectiveOn: p.today, ...(forms.transition?.values ?? {}) },
            errors: forms.transition?.errors ?? {},
          }}
        />
      ) : null}
      {p.can.correct ? (
        <CorrectionCard
          c={c}
          journey={j}
          supports={f.supports}
          canUndo={f.history.length > 1}
          form={forms.correction ?? none}
        />
      ) : null}
      <DocumentsCard
        c={c}
        journeyId={j.id}
        stage={j.stage}
        config={f.config}
        checklist={f.checklist}
        documents={f.documents}
        team={p.can.team}
        form={forms.document ?? none}
      />
      <AppointmentsCard
        c={c}
        journeyId={j.id}
        appointments={f.appointments}
        team={p.can.recordAppointment}
        defaults={p.appointmentDefaults}
        form={forms.appointment ?? none}
      />
      <Card title="Historique">
        <ol class="timeline">
          {timelineOf(f).map((t) => (
            <li>
              <time datetime={t.at}>{formatDate(t.at)}</time> — {t.href ? <a href={t.href}>{t.text}</a> : t.text}
              {t.detail ? <p class="muted">{t.detail}</p> : null}
            </li>
          ))}
        </ol>
      </Card>
    </Layout>
  );
}

export function NoJourneyPage(p: { c: Ctx }) {
  return (
    <Layout c={p.c} title="Mon parcours">
      <PageHeader title="Mon parcours" />
      <EmptyState
        title="Votre parcours n'est pas encore ouvert."
        text="Votre chargé·e d'accompagnement l'ouvrira lors de votre premier rendez-vous."
      />
    </Layout>
  );
}
