// The accounting sub-navigation, one list for every page under /comptabilite.

export const ACCOUNTING_TABS: readonly (readonly [href: string, label: string])[] = [
  ['/comptabilite', 'Écritures'],
  ['/comptabilite/balance', 'Balance'],
  ['/comptabilite/saisie', 'Saisie manuelle'],
  ['/comptabilite/lettrage', 'Lettrage'],
  ['/comptabilite/plan-comptable', 'Plan comptable'],
  ['/comptabilite/periodes', 'Périodes'],
  ['/comptabilite/contributions', 'Contributions'],
  ['/comptabilite/exports', 'Exports'],
  ['/comptabilite/import', 'Import'],
];

/** The tabs, with `current` (one of the hrefs above) marked as the page shown. */
export function AccountingTabs(p: { current: string }) {
  return (
    <nav class="tabs" aria-label="Comptabilité">
      {ACCOUNTING_TABS.map(([h, l]) => (
        <a href={h} aria-current={p.current === h ? 'page' : undefined}>
          {l}
        </a>
      ))}
    </nav>
  );
}
