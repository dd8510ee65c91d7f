// Passkey registration and sign-in with @simplewebauthn/browser (served as /static/webauthn.js).
// Loaded only on /connexion, /profil/confirmer and /profil/passkeys; without JavaScript the buttons
// stay hidden or inert. The sign-in button may name its endpoints (data-options, data-verify): the
// confirmation page uses it to renew the proof of identity.
document.addEventListener('DOMContentLoaded', () => {
  const lib = window.SimpleWebAuthnBrowser || {};
  const { startRegistration, startAuthentication, browserSupportsWebAuthn } = lib;
  const supported = !!browserSupportsWebAuthn?.();
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') || '';
  const post = async (url, body) => {
    const r = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify(body || {}),
    });
    try {
      return await r.json();
    } catch {
      return { ok: false, error: `Réponse inattendue du serveur (${r.status}).` };
    }
  };
  const status = document.getElementById('passkey-status');
  const say = (t) => {
    if (status) status.textContent = t;
  };
  const reg = document.getElementById('passkey-register');
  if (reg) {
    if (!supported) {
      reg.disabled = true;
      say("Votre navigateur ne gère pas les clés d'accès.");
    }
    reg.addEventListener('click', async () => {
      reg.disabled = true;
      say('Suivez les instructions de votre appareil…');
      try {
        const options = await post('/profil/passkeys/options');
        if (options.reauthenticate && options.redirect) {
          location.href = options.redirect;
          return;
        }
        const response = await startRegistration({ optionsJSON: options });
        const res = await post('/profil/passkeys/verifier', {
          response,
          name: document.getElementById('passkey-name')?.value || '',
        });
        if (res.reauthenticate && res.redirect) {
          location.href = res.redirect;
          return;
        }
        if (res.ok) {
          location.reload();
          return;
        }
        say(res.error || "Échec de l'enregistrement.");
      } catch (_e) {
        say('Enregistrement annulé ou impossible.');
      }
      reg.disabled = false;
    });
  }
  const login = document.getElementById('passkey-login');
  if (login) {
    if (supported) login.hidden = false;
    login.addEventListener('click', async () => {
      login.disabled = true;
      say('Suivez les instructions de votre appareil…');
      try {
        const options = await post(login.dataset.options || '/connexion/passkey/options');
        const response = await startAuthentication({ optionsJSON: options });
        const retour = document.querySelector('input[name="retour"]')?.value || '/';
        const res = await post(login.dataset.verify || '/connexion/passkey/verifier', { response, retour });
        if (res.ok) {
          location.href = res.redirect || '/';
          return;
        }
        say(res.error || 'Connexion impossible.');
      } catch (_e) {
        say('Connexion annulée ou impossible.');
      }
      login.disabled = false;
    });
  }
});
