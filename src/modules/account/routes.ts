// Every page of the account module, assembled for module.ts.
import { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
import { bankDetailsRoutes } from './routes/bank-details.tsx';
import { confirmRoutes } from './routes/confirm.tsx';
import { invitationRoutes } from './routes/invitations.tsx';
import { oidcRoutes } from './routes/oidc.tsx';
import { passkeyRoutes } from './routes/passkeys.tsx';
import { passwordResetRoutes } from './routes/password-reset.tsx';
import { passwordRoutes } from './routes/password.tsx';
import { profileRoutes } from './routes/profile.tsx';
import { secondFactorRoutes } from './routes/second-factor.tsx';
import { signInRoutes } from './routes/sign-in.tsx';

export const accountRoutes = new Hono<AppEnv>();
for (const r of [
  signInRoutes,
  oidcRoutes,
  passwordResetRoutes,
  invitationRoutes,
  confirmRoutes,
  profileRoutes,
  secondFactorRoutes,
  passkeyRoutes,
  passwordRoutes,
  bankDetailsRoutes,
])
  accountRoutes.route('/', r);
