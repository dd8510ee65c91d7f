// Passkey registration and sign-in with @simplewebauthn/browser (served as /static/webauthn.js).
document.addEventListener('DOMContentLoaded', () => {
  const { startRegistration, startAuthentication, browserSupportsWebAuthn } = window.SimpleWebAuthnBrowser || {};
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content');
  const post = (url, body) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token }, body: JSON.stringify(body || {}) }).then((r) => r.json());
  const status = document.getElementById('passkey-status');
  const say = (t) => { if (status) status.textContent = t; };
  const reg = document.getElementById('passkey-register');
  if (reg) {
    if (!browserSupportsWebAuthn || !browserSupportsWebAuthn()) { reg.disabled = true; say('Votre navigateur ne gère pas les clés d\'accès.'); }
    reg.addEventListener('click', async () => {
      try {
        const options = await post('/profil/passkeys/options');
        const response = await startRegistration({ optionsJSON: options });
        const res = await post('/profil/passkeys/verifier', { response, name: document.getElementById('passkey-name')?.value || '' });
        if (res.ok) location.reload(); else say(res.error || 'Échec de l\'enregistrement.');
      } catch (e) { say('Enregistrement annulé ou impossible.'); }
    });
  }
  const login = document.getElementById('passkey-login');
  if (login) {
    if (!browserSupportsWebAuthn || !browserSupportsWebAuthn()) login.hidden = true;
    login.addEventListener('click', async () => {
      try {
        const options = await post('/connexion/passkey/options');
        const response = await startAuthentication({ optionsJSON: options });
        const res = await post('/connexion/passkey/verifier', { response });
        if (res.ok) location.href = res.redirect || '/'; else say(res.error || 'Connexion impossible.');
      } catch (e) { say('Connexion annulée ou impossible.'); }
    });
  }
});
