import { hash, verify, Algorithm } from '@node-rs/argon2';

// OWASP's argon2id baseline (19 MiB, t=2, p=1): strong and still fast on a 2-core machine.
const OPTS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (pw: string) => hash(pw, OPTS);
export async function verifyPassword(hashStr: string | null, pw: string): Promise<boolean> {
  if (!hashStr) return false;
  try {
    return await verify(hashStr, pw);
  } catch {
    return false;
  }
}

/** French message when a password is too weak, else null. With the e-mail, a password equal to
 *  it, containing it, or containing its name part (when long enough to mean something) is refused. */
export function passwordProblem(pw: string, email?: string): string | null {
  if (pw.length < 12) return 'Le mot de passe doit compter au moins 12 caractères.';
  if (pw.length > 256) return 'Le mot de passe est trop long (256 caractères au plus).';
  if (email) {
    const lower = pw.toLowerCase();
    const address = email.trim().toLowerCase();
    const name = address.split('@')[0];
    if (address && (lower.includes(address) || (name.length >= 3 && lower.includes(name))))
      return 'Le mot de passe ne doit pas contenir votre adresse e-mail.';
  }
  if (/^(.)\1+$/.test(pw)) return 'Ce mot de passe est trop simple.';
  return null;
}
