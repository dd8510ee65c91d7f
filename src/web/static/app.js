// Progressive enhancement only: every form works without this file.
document.addEventListener('DOMContentLoaded', () => {
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content');
  document.body.addEventListener('htmx:configRequest', (e) => {
    if (token) e.detail.headers['X-CSRF-Token'] = token;
  });
  document.querySelectorAll('select[data-autosubmit]').forEach((s) => {
    s.addEventListener('change', () => s.form?.requestSubmit());
  });
  document.querySelectorAll('.js-hide').forEach((el) => {
    el.hidden = true;
  });
  document.querySelectorAll('[data-confirm]').forEach((el) => {
    el.addEventListener('click', (e) => {
      if (!confirm(el.getAttribute('data-confirm'))) e.preventDefault();
    });
  });
});
