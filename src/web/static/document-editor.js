// The invoice and quote editor in the page (progressive enhancement: without this file the line
// buttons are submit buttons the server applies). Rows are <li data-line> whose fields are named
// lN_field; after every change the rows are renumbered in page order, which is the order the
// server reads them in.
document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form.doc-editor');
  if (!form) return;
  const list = form.querySelector('ol.doc-lines');
  const datalist = form.querySelector('#catalogue-names');
  const rows = () => [...list.querySelectorAll(':scope > li[data-line]')];
  const changed = () => form.querySelector('.doc-lines-box').dispatchEvent(new Event('change', { bubbles: true }));

  function renumber() {
    rows().forEach((row, k) => {
      const re = /^l\d+_/;
      row.querySelectorAll('[name],[id],[for],[aria-describedby]').forEach((el) => {
        for (const a of ['name', 'for']) {
          const v = el.getAttribute(a);
          if (v && re.test(v)) el.setAttribute(a, v.replace(re, `l${k}_`));
        }
        for (const a of ['id', 'aria-describedby']) {
          const v = el.getAttribute(a);
          if (v) el.setAttribute(a, v.replace(/\bf-l\d+_/g, `f-l${k}_`));
        }
        if (el.tagName === 'BUTTON' && el.name === 'op') {
          const op = el.value.split(':')[0];
          el.value = `${op}:${k}`;
          el.setAttribute('aria-label', el.getAttribute('aria-label').replace(/\d+$/, String(k + 1)));
        }
      });
      row.querySelectorAll('label').forEach((l) => {
        l.textContent = l.textContent
          .replace(/^(Désignation) \d+$/, `$1 ${k + 1}`)
          .replace(/\(ligne \d+\)$/, `(ligne ${k + 1})`);
      });
    });
  }
  function blank(row) {
    row.querySelectorAll('input').forEach((i) => {
      if (i.name.endsWith('_kind')) return;
      i.value = '';
      i.removeAttribute('aria-invalid');
    });
    row.querySelectorAll('select').forEach((s) => {
      s.selectedIndex = 0;
    });
    for (const e of row.querySelectorAll('.error')) e.remove();
    for (const f of row.querySelectorAll('.has-error')) f.classList.remove('has-error');
    return row;
  }
  // A new row is a copy of an existing row of the same kind, emptied (the page always has an item row).
  function newRow(kind) {
    const model = rows().find((r) => r.classList.contains('doc-section') === (kind === 'section'));
    if (model) return blank(model.cloneNode(true));
    // No section row on the page yet: build one from an item row.
    const li = blank(rows()[0].cloneNode(true));
    li.classList.add('doc-section');
    li.querySelectorAll('.field').forEach((f) => {
      if (!f.classList.contains('doc-desc')) f.remove();
    });
    li.querySelectorAll('input[type=hidden]').forEach((i) => {
      if (!i.name.endsWith('_kind')) i.remove();
    });
    li.querySelector('input[name$="_kind"]').value = 'section';
    const label = li.querySelector('.doc-desc label');
    label.textContent = 'Titre de section (ligne 1)';
    const input = li.querySelector('.doc-desc input');
    input.removeAttribute('list');
    input.removeAttribute('data-catalogue');
    return li;
  }
  const focusDesc = (row) => row?.querySelector('input[name$="_description"]')?.focus();
  const isBlankRow = (row) => [...row.querySelectorAll('input[type=text]')].every((i) => !i.value.trim());
  function ensureTrailingBlank() {
    const all = rows();
    const last = all[all.length - 1];
    if (!last || last.classList.contains('doc-section') || !isBlankRow(last)) {
      list.append(newRow('item'));
      renumber();
    }
  }

  form.addEventListener('click', (e) => {
    const b = e.target.closest('button[name="op"]');
    if (!b) return;
    e.preventDefault();
    const [op, n] = b.value.split(':');
    const all = rows();
    const row = all[Number(n)];
    // The empty line waiting at the end is used first (focused, or the first line of a new section).
    const last = all[all.length - 1];
    const blankEnd = last && !last.classList.contains('doc-section') && isBlankRow(last) ? last : null;
    if (op === 'add') {
      const r = blankEnd ?? newRow('item');
      if (!blankEnd) list.append(r);
      renumber();
      focusDesc(r);
    } else if (op === 'section') {
      const s = newRow('section');
      if (blankEnd) blankEnd.before(s);
      else list.append(s, newRow('item'));
      renumber();
      focusDesc(s);
    } else if (op === 'fill') {
      all.forEach(fillRow);
    } else if (row && op === 'remove') {
      const next = all[Number(n) + 1] ?? all[Number(n) - 1];
      row.remove();
      if (!rows().length) list.append(newRow('item'));
      renumber();
      focusDesc(next?.isConnected ? next : rows()[0]);
    } else if (row && op === 'dup') {
      const copy = row.cloneNode(true);
      // cloneNode copies attributes, not the current selection of <select>s.
      const from = row.querySelectorAll('select');
      copy.querySelectorAll('select').forEach((s, k) => {
        s.value = from[k].value;
      });
      row.after(copy);
      renumber();
      focusDesc(copy);
    } else if (row && op === 'up' && row.previousElementSibling) {
      row.previousElementSibling.before(row);
      renumber();
      row.querySelector('button[value^="up:"]').focus();
    } else if (row && op === 'down' && row.nextElementSibling) {
      row.nextElementSibling.after(row);
      renumber();
      row.querySelector('button[value^="down:"]').focus();
    }
    ensureTrailingBlank();
    changed();
  });

  // Catalogue search: the description offers the catalogue's names (datalist); naming an item
  // fills the line with its price, VAT, unit and nature.
  function fillRow(row) {
    const input = row.querySelector('input[data-catalogue]');
    if (!input || !datalist) return false;
    const name = input.value.trim().toLowerCase();
    const opt = [...datalist.options].find((o) => o.value.toLowerCase() === name);
    if (!opt) return false;
    const set = (suffix, v) => {
      const el = row.querySelector(`[name$="_${suffix}"]`);
      if (el) el.value = v;
    };
    const qty = row.querySelector('[name$="_quantity"]');
    if (!qty.value.trim()) qty.value = '1';
    set('unitPrice', opt.dataset.price);
    set('vat', opt.dataset.vat);
    set('unit', opt.dataset.unit);
    set('nature', opt.dataset.nature);
    set('item', opt.dataset.id);
    return true;
  }
  // Typing a new customer's name opens the rest of its details.
  const ncName = form.querySelector('#f-nc_name');
  const ncDetails = form.querySelector('details.doc-new-customer');
  ncName?.addEventListener('input', () => {
    if (ncName.value.trim() && ncDetails) ncDetails.open = true;
  });
  form.addEventListener('input', (e) => {
    const row = e.target.closest('li[data-line]');
    if (!row) return;
    if (e.target.matches('input[data-catalogue]') && fillRow(row)) changed();
    ensureTrailingBlank();
  });
});
