// Errors a user can act on: a French message, optionally tied to a form field.
export class UserError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    if (field) this.fields = { ...fields, [field]: message };
  }
}
export class NotFoundError extends UserError {
  constructor(what = 'Élément') {
    super(`${what} introuvable.`);
  }
}
export function fieldErrors(e: unknown): Record<string, string> | null {
  return e instanceof UserError && Object.keys(e.fields).length ? e.fields : null;
}
