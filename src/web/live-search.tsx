// The search box of a list, live: a plain GET form (works without JavaScript) that htmx submits
// while typing (debounced) and whose answer replaces only the results (hx-select on the same page).
import type { Child } from 'hono/jsx';

export const RESULTS_ID = 'resultats';

/** Attributes for the list's filter form: `action` is the list's own address. */
export function liveSearch(action: string): Record<string, string> {
  return {
    'hx-get': action,
    // No `changed` modifier: it compares the form's own value, which a form does not have.
    'hx-trigger': 'input delay:300ms, change, submit',
    'hx-target': `#${RESULTS_ID}`,
    'hx-select': `#${RESULTS_ID}`,
    'hx-swap': 'outerHTML',
    'hx-push-url': 'true',
    'hx-sync': 'this:replace',
  };
}

/** Wraps a list's results so the search can replace them; announced to screen readers. */
export function LiveResults(p: { children?: Child }) {
  return (
    <div id={RESULTS_ID} aria-live="polite">
      {p.children}
    </div>
  );
}
