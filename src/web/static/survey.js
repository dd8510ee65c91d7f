// Surveys (/enquete/…): hides a conditional question while its condition is false. Without this
// script every question shows with a sentence saying when to answer it; the server ignores the
// hidden ones either way, so this is comfort, not a rule.
(() => {
  const form = document.querySelector('[data-questionnaire]');
  if (!form) return;
  const conditional = [...form.querySelectorAll('[data-if-question]')];
  const checked = (name) =>
    [...form.querySelectorAll('input')]
      .filter((i) => i.name === name && (i.type === 'radio' || i.type === 'checkbox') && i.checked)
      .map((i) => i.value);
  const visible = (fs) => {
    const on = form.querySelector(`#q-${fs.dataset.ifQuestion}`);
    if (on?.hidden) return false;
    return checked(fs.dataset.ifQuestion).includes(fs.dataset.ifValue);
  };
  const update = () => {
    // In order: a question hidden hides those that depend on it.
    for (const fs of conditional) {
      fs.hidden = !visible(fs);
      for (const el of fs.querySelectorAll('input, textarea')) el.disabled = fs.hidden;
    }
  };
  form.addEventListener('change', update);
  update();
})();
