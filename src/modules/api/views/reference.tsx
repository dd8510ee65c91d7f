// The browsable API reference, rendered on the server from the OpenAPI document (no script: the
// app's CSP allows none inline, and a reference needs none): every operation with its scope,
// parameters, body and answers, then every schema with its fields.
import type { Ctx } from '../../../web/context.ts';
import { PublicLayout } from '../../../web/layout.tsx';

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  description?: string;
  anyOf?: Schema[];
  format?: string;
  pattern?: string;
};
type Op = {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: { bearer: string[] }[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
};
export type OpenApiDoc = {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Op>>;
  components?: { schemas?: Record<string, Schema> };
};

function typeOf(s: Schema | undefined): string {
  if (!s) return '';
  if (s.$ref) return s.$ref.split('/').pop()!;
  if (s.anyOf) return s.anyOf.map(typeOf).join(' | ');
  if (s.enum) return s.enum.map((e) => JSON.stringify(e)).join(' | ');
  if (s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array'))) return `${typeOf(s.items)}[]`;
  const t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'objet');
  return s.format ? `${t} (${s.format})` : t;
}
const anchor = (name: string) => `schema-${name}`;
function TypeLink(p: { s?: Schema }) {
  const name = p.s?.$ref?.split('/').pop() ?? p.s?.items?.$ref?.split('/').pop();
  return name ? <a href={`#${anchor(name)}`}>{typeOf(p.s)}</a> : <code>{typeOf(p.s)}</code>;
}

export function ReferencePage(p: { c: Ctx; doc: OpenApiDoc }) {
  const ops = Object.entries(p.doc.paths).flatMap(([path, ms]) =>
    Object.entries(ms).map(([m, op]) => ({ path, m, op })),
  );
  return (
    <PublicLayout c={p.c} title={`${p.doc.info.title} — référence`}>
      <h1>
        {p.doc.info.title} <small>v{p.doc.info.version}</small>
      </h1>
      <p>{p.doc.info.description}</p>
      <p>
        Document OpenAPI 3.1 : <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>. Base : <code>/api/v1</code>.
        Authentification : <code>Authorization: Bearer rad_…</code>.
      </p>
      <nav>
        <ul>
          {ops.map((o) => (
            <li>
              <a href={`#${o.m}-${o.path}`}>
                <code>
                  {o.m.toUpperCase()} {o.path}
                </code>
              </a>{' '}
              — {o.op.summary}
            </li>
          ))}
        </ul>
      </nav>
      {ops.map(({ path, m, op }) => (
        <section id={`${m}-${path}`} class="card">
          <h2>
            <code>
              {m.toUpperCase()} {path}
            </code>
          </h2>
          <p>{op.summary}</p>
          {op.description ? <p>{op.description}</p> : null}
          <p>
            Permission du jeton : <code>{op.security?.[0]?.bearer.join(', ') ?? 'aucune'}</code>
          </p>
          {op.parameters?.length ? (
            <table class="data">
              <thead>
                <tr>
                  <th>Paramètre</th>
                  <th>Où</th>
                  <th>Type</th>
                  <th>Description</th>
                </tr>
              </thead>
              <tbody>
                {op.parameters.map((x) => (
                  <tr>
                    <td>
                      <code>{x.name}</code>
                      {x.required ? ' *' : ''}
                    </td>
                    <td>{x.in}</td>
                    <td>
                      <TypeLink s={x.schema} />
                    </td>
                    <td>{x.description ?? x.schema?.description ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {op.requestBody
            ? Object.entries(op.requestBody.content).map(([type, c]) => (
                <p>
                  Corps ({type}) : <TypeLink s={c.schema} />
                </p>
              ))
            : null}
          <ul>
            {Object.entries(op.responses).map(([status, r]) => (
              <li>
                <strong>{status}</strong> — {r.description}
                {r.content
                  ? Object.entries(r.content).map(([type, c]) => (
                      <span>
                        {' '}
                        · {type} <TypeLink s={c.schema} />
                      </span>
                    ))
                  : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
      <h2>Schémas</h2>
      {Object.entries(p.doc.components?.schemas ?? {}).map(([name, s]) => (
        <section id={anchor(name)} class="card">
          <h3>{name}</h3>
          {s.description ? <p>{s.description}</p> : null}
          <table class="data">
            <tbody>
              {Object.entries(s.properties ?? {}).map(([k, v]) => (
                <tr>
                  <td>
                    <code>{k}</code>
                    {s.required?.includes(k) ? ' *' : ''}
                  </td>
                  <td>
                    <TypeLink s={v} />
                  </td>
                  <td>{v.description ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </PublicLayout>
  );
}
