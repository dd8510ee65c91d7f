// Emails are rendered with the same JSX as the pages: one calm layout, one action, and a plain
// text version written from the same parts (never two texts that drift apart). Styles are
// inline because mail clients ignore style sheets.
import type { Child } from 'hono/jsx';

export interface EmailParts {
  /** Paragraphs of plain text; line breaks inside a paragraph are kept. */
  paragraphs: string[];
  /** The one thing to do, as a button (and as a line in the text version). */
  action?: { label: string; href: string };
  /** Small print under a rule (why this email, how to stop it). */
  footer?: string[];
}

const BODY = 'font-family:Arial,Helvetica,sans-serif;color:#1d2733;line-height:1.5;max-width:36em';
const BUTTON =
  'display:inline-block;background:#1f5f8b;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none';
const SMALL = 'color:#5b6673;font-size:13px';

function Lines(p: { text: string }): Child {
  const parts = p.text.split('\n');
  return (
    <>
      {parts.map((line, i) => (
        <>
          {i > 0 ? <br /> : null}
          {line}
        </>
      ))}
    </>
  );
}

function EmailLayout(p: EmailParts) {
  return (
    <html lang="fr">
      <body style={BODY}>
        {p.paragraphs.map((t) => (
          <p>
            <Lines text={t} />
          </p>
        ))}
        {p.action ? (
          <p>
            <a href={p.action.href} style={BUTTON}>
              {p.action.label}
            </a>
          </p>
        ) : null}
        {p.footer?.length ? (
          <>
            <hr />
            {p.footer.map((t) => (
              <p style={SMALL}>
                <Lines text={t} />
              </p>
            ))}
          </>
        ) : null}
      </body>
    </html>
  );
}

/** The HTML and the plain text of one email, from the same parts (text is escaped by JSX). */
export function renderEmail(parts: EmailParts): { html: string; text: string } {
  const html = `<!doctype html>${String(<EmailLayout {...parts} />)}`;
  const text = [
    ...parts.paragraphs,
    ...(parts.action ? [`${parts.action.label} : ${parts.action.href}`] : []),
    ...(parts.footer?.length ? ['—', ...parts.footer] : []),
  ].join('\n\n');
  return { html, text };
}
