// The funder's page (/financeur/<link>): no account, read-only, the reports shared with them and
// their downloads, nothing else.
import type { Ctx } from '../../../web/context.ts';
import { PublicLayout } from '../../../web/layout.tsx';
import { Card } from '../../../web/components.tsx';
import type { FunderAccess } from '../funder.service.ts';
import { formatsOf, KIND_LABEL, refSlug, scopeLabel } from './report-list-page.tsx';

export function FunderPage(p: { c: Ctx; a: FunderAccess; token: string }) {
  const { a } = p;
  return (
    <PublicLayout c={p.c} title="Rapports partagés">
      <Card title={`Rapports partagés avec ${a.name}`}>
        <p>
          {a.cooperativeName} partage avec vous les rapports ci-dessous, en lecture seule. Aucun chiffre portant sur
          moins de 5 personnes n’y figure.
        </p>
        {a.shares.length === 0 ? (
          <p class="muted">Aucun rapport partagé pour l’instant.</p>
        ) : (
          <ul>
            {a.shares.map((s) => (
              <li>
                {KIND_LABEL[s.kind]} {s.year} — {scopeLabel(s.scope, a.cooperativeName)} :{' '}
                {formatsOf(s.kind).map((ext) => (
                  <>
                    {' '}
                    <a href={`/financeur/${p.token}/${refSlug(s)}.${ext}`} download>
                      {ext.toUpperCase()}
                    </a>
                  </>
                ))}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </PublicLayout>
  );
}
