// Building DOM from data without ever parsing it as HTML: every piece of text goes through textContent or a
// text node, so a post that contains markup shows the markup as characters.

// h('button', {class: 'x', onclick: fn, disabled: true}, 'text', child…): an element. Attributes whose value is
// null, undefined or false are left out; "on…" keys become listeners; `dataset` is an object.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'class') el.className = value;
    else if (key === 'value') el.value = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;

// Post text as nodes: plain text, with http(s) addresses as links that open in a new tab and pass on nothing
// about odziv. Any other scheme (javascript:, data:, …) stays text; so does an address that does not parse.
export function linkified(text) {
  const s = String(text ?? '');
  const out = [];
  let last = 0;
  for (const match of s.matchAll(URL_PATTERN)) {
    const address = match[0].replace(/[).,;:!?\]]+$/, '');
    if (match.index > last) out.push(document.createTextNode(s.slice(last, match.index)));
    out.push(safeLink(address) ?? document.createTextNode(address));
    last = match.index + address.length;
  }
  if (last < s.length) out.push(document.createTextNode(s.slice(last)));
  return out;
}

// An <a> for an http(s) address, or null for anything else.
export function safeLink(address, label) {
  let url;
  try {
    url = new URL(address);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return h('a', {href: url.href, target: '_blank', rel: 'noopener noreferrer nofollow'}, label ?? address);
}

// A modal <dialog> built from `content`; resolves with the value `submit` returns, or null on cancel/Esc.
export function modal(title, content, {submitLabel, cancelLabel, onSubmit}) {
  return new Promise((resolve) => {
    const error = h('p', {class: 'error', role: 'alert'});
    const form = h('form', {method: 'dialog', class: 'stack'},
      h('h2', {}, title), content, error,
      h('div', {class: 'row end'},
        h('button', {type: 'button', class: 'secondary', onclick: () => dialog.close()}, cancelLabel),
        h('button', {type: 'submit', class: 'primary'}, submitLabel)));
    const dialog = h('dialog', {class: 'modal', 'aria-label': title}, form);
    let result = null;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      try {
        const value = await onSubmit();
        if (value === undefined) return;  // kept open: onSubmit showed why
        result = value;
        dialog.close();
      } catch (e) {
        error.textContent = e.message;
      }
    });
    // Enter in a list box submits too, as it does in a text input (browsers leave it to the page).
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.target instanceof HTMLSelectElement) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    dialog.showError = (text) => { error.textContent = text; };
    document.body.append(dialog);
    dialog.showModal();
    const first = dialog.querySelector('input, select, textarea');
    if (first) first.focus();
  });
}

let toastTimer = null;
// A short message at the bottom of the screen (announced to screen readers).
export function toast(text, kind = 'info') {
  const el = document.getElementById('toast');
  el.textContent = text;
  el.className = `toast show ${kind}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.className = 'toast'; }, 6000);
}
