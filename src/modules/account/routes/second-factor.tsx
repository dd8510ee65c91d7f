// Turning the second factor (TOTP) on and off: both need a recent proof of identity.
import { Hono } from 'hono';
import QRCode from 'qrcode';
import { audit } from '../../../core/audit.ts';
import { disableTotp, enableTotp, newTotpSecret, totpUri } from '../../../core/auth/totp.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { type AppEnv, actorOf, userOf } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { requireActor, requireRecentAuth, setFlash } from '../../../web/middleware.ts';
import { RecoveryCodes, TotpSetup } from '../views/second-factor.tsx';

export const secondFactorRoutes = new Hono<AppEnv>();
secondFactorRoutes.use('/profil/2fa', requireActor, requireRecentAuth);
secondFactorRoutes.use('/profil/2fa/*', requireActor, requireRecentAuth);

const SECRET = /^[A-Z2-7]{16,64}$/;

/** The enrolment QR code, drawn on the server as SVG (no script, no third party). */
const qrSvg = (uri: string) => QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });

secondFactorRoutes.get('/profil/2fa', async (c) => {
  const secret = newTotpSecret();
  const uri = totpUri(userOf(c).email, secret);
  return c.html(<TotpSetup c={c} secret={secret} uri={uri} qr={await qrSvg(uri)} />);
});

secondFactorRoutes.post('/profil/2fa', async (c) => {
  const { odb } = c.get('app');
  const user = userOf(c);
  const f = await formValues(c);
  const secret = SECRET.test(f.secret ?? '') ? (f.secret as string) : null;
  const codes = secret ? await enableTotp(odb.db, user.id, secret, f.code ?? '') : null;
  if (!codes) {
    const shown = secret ?? newTotpSecret();
    const uri = totpUri(user.email, shown);
    return c.html(
      <TotpSetup
        c={c}
        secret={shown}
        uri={uri}
        qr={await qrSvg(uri)}
        error="Code incorrect. Vérifiez l'heure de votre téléphone et saisissez le code affiché maintenant."
      />,
      400,
    );
  }
  const actor = actorOf(c);
  await withTenant(odb.db, actor.cooperativeId, (trx) => audit(trx, actor, { action: 'auth.totp_enabled' }));
  return c.html(<RecoveryCodes c={c} codes={codes} />);
});

secondFactorRoutes.post('/profil/2fa/desactiver', async (c) => {
  const { odb } = c.get('app');
  await disableTotp(odb.db, userOf(c).id);
  const actor = actorOf(c);
  await withTenant(odb.db, actor.cooperativeId, (trx) => audit(trx, actor, { action: 'auth.totp_disabled' }));
  setFlash(c, { kind: 'info', text: 'Vérification en deux étapes désactivée.' });
  return c.redirect('/profil');
});
