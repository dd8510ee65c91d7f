// The small design system: fields with errors beside them, tables with pagination, badges,
// page headers with one main action, empty states.
import type { Child } from 'hono/jsx';

export function Field(p: {
  label: string;
  name: string;
  value?: string | number | null;
  error?: string;
  hint?: string;
  type?: string;
  required?: boolean;
  autocomplete?: string;
  inputmode?: 'none' | 'text' | 'decimal' | 'numeric' | 'tel' | 'search' | 'email' | 'url';
  placeholder?: string;
  step?: string;
  min?: string;
  max?: string;
}) {
  const id = `f-${p.name}`;
  const describedBy = [p.hint ? `${id}-hint` : '', p.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${p.error ? ' has-error' : ''}`}>
      <label for={id}>
        {p.label}
        {p.required ? (
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      <input
        id={id}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value == null ? '' : String(p.value)}
        required={p.required}
        autocomplete={p.autocomplete}
        inputmode={p.inputmode}
        placeholder={p.placeholder}
        step={p.step}
        min={p.min}
        max={p.max}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      {p.error ? (
        <p class="error" id={`${id}-error`} role="alert">
          {p.error}
        </p>
      ) : null}
    </div>
  );
}

export function Select(p: {
  label: string;
  name: string;
  value?: string | null;
  options: [string, string][];
  error?: string;
  hint?: string;
  required?: boolean;
  autosubmit?: boolean;
}) {
  const id = `f-${p.name}`;
  return (
    <div class={`field${p.error ? ' has-error' : ''}`}>
      <label for={id}>{p.label}</label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      <select
        id={id}
        name={p.name}
        required={p.required}
        data-autosubmit={p.autosubmit ? '1' : undefined}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={p.error ? `${id}-error` : undefined}
      >
        {p.options.map(([v, l]) => (
          <option value={v} selected={v === (p.value ?? '')}>
            {l}
          </option>
        ))}
      </select>
      {p.error ? (
        <p class="error" id={`${id}-error`} role="alert">
          {p.error}
        </p>
      ) : null}
    </div>
  );
}

export function TextArea(p: {
  label: string;
  name: string;
  value?: string | null;
  error?: string;
  hint?: string;
  rows?: number;
}) {
  const id = `f-${p.name}`;
  return (
    <div class={`field${p.error ? ' has-error' : ''}`}>
      <label for={id}>{p.label}</label>
      {p.hint ? <p class="hint">{p.hint}</p> : null}
      <textarea
        id={id}
        name={p.name}
        rows={p.rows ?? 4}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={p.error ? `${id}-error` : undefined}
      >
        {p.value ?? ''}
      </textarea>
      {p.error ? (
        <p class="error" id={`${id}-error`} role="alert">
          {p.error}
        </p>
      ) : null}
    </div>
  );
}

export function Checkbox(p: {
  label: string;
  name: string;
  checked?: boolean;
  hint?: string;
  value?: string;
  error?: string;
}) {
  const id = `f-${p.name}`;
  return (
    <div class={`field checkbox${p.error ? ' has-error' : ''}`}>
      <input
        type="checkbox"
        id={id}
        name={p.name}
        value={p.value ?? 'on'}
        checked={p.checked}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={p.error ? `${id}-error` : undefined}
      />
      <label for={id}>{p.label}</label>
      {p.hint ? <p class="hint">{p.hint}</p> : null}
      {p.error ? (
        <p class="error" id={`${id}-error`} role="alert">
          {p.error}
        </p>
      ) : null}
    </div>
  );
}

/** Several choices of one field (`name` repeated), each with its code, the error under the group. */
export function CheckboxGroup(p: {
  legend: string;
  name: string;
  options: Record<string, string>;
  checked?: readonly string[];
  error?: string;
}) {
  return (
    <fieldset class={`field${p.error ? ' has-error' : ''}`}>
      <legend>{p.legend}</legend>
      {Object.entries(p.options).map(([k, label]) => (
        <div class="field checkbox">
          <input type="checkbox" id={`${p.name}-${k}`} name={p.name} value={k} checked={p.checked?.includes(k)} />
          <label for={`${p.name}-${k}`}>
            {label} (<code>{k}</code>)
          </label>
        </div>
      ))}
      {p.error ? (
        <p class="error" role="alert">
          {p.error}
        </p>
      ) : null}
    </fieldset>
  );
}

export function Csrf(p: { token: string }) {
  return <input type="hidden" name="_csrf" value={p.token} />;
}

export function FormErrorSummary(p: { errors?: Record<string, string> | null; message?: string | null }) {
  if (!p.message && !(p.errors && Object.keys(p.errors).length)) return null;
  return (
    <div class="flash flash-error" role="alert">
      <strong>{p.message ?? 'Certains champs sont à corriger.'}</strong>
    </div>
  );
}

export function PageHeader(p: { title: string; help?: string; action?: Child }) {
  return (
    <header class="page-header">
      <div>
        <h1>{p.title}</h1>
        {p.help ? <p class="help">{p.help}</p> : null}
      </div>
      {p.action ? <div class="page-action">{p.action}</div> : null}
    </header>
  );
}

const BADGE_TONES: Record<string, string> = {
  draft: 'neutral',
  submitted: 'warn',
  validated: 'info',
  sent: 'info',
  partly_paid: 'warn',
  paid: 'ok',
  overdue: 'danger',
  cancelled: 'neutral',
  accepted: 'ok',
  refused: 'danger',
  expired: 'neutral',
  pending: 'warn',
  approved: 'ok',
  rejected: 'danger',
};
export function Badge(p: { status: string; label: string }) {
  return <span class={`badge badge-${BADGE_TONES[p.status] ?? 'neutral'}`}>{p.label}</span>;
}

export function EmptyState(p: { title: string; text?: string; action?: Child }) {
  return (
    <div class="empty">
      <p class="empty-title">{p.title}</p>
      {p.text ? <p>{p.text}</p> : null}
      {p.action}
    </div>
  );
}

/** Pagination keeps the current filters in the links. */
export function Pagination(p: {
  page: number;
  pageSize: number;
  total: number;
  baseUrl: string;
  params?: Record<string, string | undefined>;
}) {
  const pages = Math.max(1, Math.ceil(p.total / p.pageSize));
  if (pages <= 1)
    return (
      <p class="muted">
        {p.total} élément{p.total > 1 ? 's' : ''}
      </p>
    );
  const link = (n: number) => {
    const q = new URLSearchParams(
      Object.entries({ ...p.params, page: String(n) }).filter(([, v]) => v) as [string, string][],
    );
    return `${p.baseUrl}?${q}`;
  };
  return (
    <nav class="pagination" aria-label="Pagination">
      {p.page > 1 ? (
        <a href={link(p.page - 1)} rel="prev">
          ← Précédent
        </a>
      ) : (
        <span aria-hidden="true"></span>
      )}
      <span>
        Page {p.page} sur {pages} · {p.total} éléments
      </span>
      {p.page < pages ? (
        <a href={link(p.page + 1)} rel="next">
          Suivant →
        </a>
      ) : (
        <span aria-hidden="true"></span>
      )}
    </nav>
  );
}

export function SortLink(p: {
  label: string;
  field: string;
  current?: string;
  dir?: string;
  baseUrl: string;
  params?: Record<string, string | undefined>;
}) {
  const active = p.current === p.field;
  const nextDir = active && p.dir === 'asc' ? 'desc' : 'asc';
  const q = new URLSearchParams(
    Object.entries({ ...p.params, sort: p.field, dir: nextDir }).filter(([, v]) => v) as [string, string][],
  );
  return (
    <a href={`${p.baseUrl}?${q}`}>
      {p.label}
      {active ? <span aria-hidden="true">{p.dir === 'asc' ? ' ▲' : ' ▼'}</span> : ''}
      {active ? <span class="sr-only">{p.dir === 'asc' ? ' (tri croissant)' : ' (tri décroissant)'}</span> : ''}
    </a>
  );
}

export function Card(p: { title?: string; children?: Child }) {
  return (
    <section class="card">
      {p.title ? <h2>{p.title}</h2> : null}
      {p.children}
    </section>
  );
}

export function Figure(p: { label: string; value: string; hint?: string; tone?: 'ok' | 'warn' | 'danger' }) {
  return (
    <div class={`figure${p.tone ? ` figure-${p.tone}` : ''}`}>
      <span class="figure-label">{p.label}</span>
      <span class="figure-value">{p.value}</span>
      {p.hint ? <span class="figure-hint">{p.hint}</span> : null}
    </div>
  );
}

/** Advanced fields: folded under "Plus d'options" for people in beginner mode (`c.get('user').beginnerMode`,
 *  or `beginner` when given), shown plainly otherwise. `open` unfolds it (e.g. when an advanced field has a value or an error). */
export function Advanced(p: {
  c?: { get(key: 'user'): { beginnerMode: boolean } | null };
  beginner?: boolean;
  open?: boolean;
  children?: Child;
}) {
  const beginner = p.beginner ?? p.c?.get('user')?.beginnerMode ?? true;
  return beginner ? (
    <details class="more" open={p.open || undefined}>
      <summary>Plus d'options</summary>
      {p.children}
    </details>
  ) : (
    p.children
  );
}

/** The problems an import's check found, each with its file and line (0 or none: the whole file). */
export function ImportProblems(p: { problems: readonly { file: string; line: number | null; message: string }[] }) {
  return (
    <Card title="Problèmes à corriger">
      <table class="data">
        <thead>
          <tr>
            <th>Fichier</th>
            <th class="num">Ligne</th>
            <th>Problème</th>
          </tr>
        </thead>
        <tbody>
          {p.problems.map((x) => (
            <tr>
              <td data-label="Fichier">{x.file}</td>
              <td data-label="Ligne" class="num">
                {x.line || ''}
              </td>
              <td data-label="Problème">{x.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
