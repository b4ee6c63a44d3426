// Settings: for a lead of a brand (or an instance admin) the brand's name, time zone and settings JSON, its
// sources with their health, and its people; for everyone their own API tokens.

import {api, ApiError, listAll} from './api.js';
import {clear, h, modal, toast} from './dom.js';
import {t} from './i18n.js';
import {formatTime, label} from './format.js';
import {can, session} from './session.js';

const ROLES = ['viewer', 'agent', 'lead', 'admin'];
const PLATFORMS = ['x', 'mastodon', 'facebook', 'instagram', 'reddit', 'youtube', 'bluesky', 'rss', 'trustpilot',
                   'google_business', 'google_play', 'app_store', 'webhook'];

function itemsOf(data) { return Array.isArray(data) ? data : (data?.items ?? []); }

function problem(e) {
  return e instanceof ApiError ? (e.message || e.code) : String(e?.message ?? e);
}

function field(id, labelText, input, hint) {
  input.id = id;
  return h('div', {class: 'field'}, h('label', {for: id}, labelText), input, hint ?? null);
}

export function renderSettings(main) {
  let stopped = false;
  const root = h('div', {class: 'settings'});
  main.append(root);

  (async () => {
    let manageable = [];
    try {
      const all = await listAll('/brands');
      manageable = all.filter((b) => can(b.slug, 'lead'));
    } catch {
      manageable = [];
    }
    if (stopped) return;
    const saved = localStorage.getItem('odziv.settings.brand');
    let slug = manageable.some((b) => b.slug === saved) ? saved : manageable[0]?.slug ?? null;
    const brandBox = h('div', {class: 'brand-settings'});
    const tokensBox = h('section', {class: 'card', id: 'tokens', 'aria-labelledby': 'tokens-title'});
    root.append(h('h1', {}, manageable.length ? t('settings') : t('tokens')));
    if (manageable.length) {
      const pick = h('select', {id: 'settings-brand', onchange: () => {
        slug = pick.value;
        localStorage.setItem('odziv.settings.brand', slug);
        drawBrand(brandBox, slug);
      }}, manageable.map((b) => h('option', {value: b.slug, selected: b.slug === slug}, b.name || b.slug)));
      root.append(h('div', {class: 'row'}, h('label', {for: 'settings-brand'}, t('brand')), pick), brandBox);
      drawBrand(brandBox, slug);
    }
    root.append(tokensBox);
    drawTokens(tokensBox);
  })();

  return () => { stopped = true; };
}

async function drawBrand(box, slug) {
  clear(box).append(h('p', {class: 'muted'}, '…'));
  let brand;
  try {
    brand = await api('GET', `/brands/${encodeURIComponent(slug)}`);
  } catch (e) {
    clear(box).append(h('p', {class: 'error'}, t('error_generic', {message: problem(e)})));
    return;
  }
  const general = h('section', {class: 'card', 'aria-labelledby': 'brand-title'});
  const sources = h('section', {class: 'card', id: 'sources', 'aria-labelledby': 'sources-title'});
  const people = h('section', {class: 'card', id: 'people', 'aria-labelledby': 'people-title'});
  clear(box).append(general, sources, people);
  drawGeneral(general, brand);
  drawSources(sources, slug);
  drawPeople(people, slug);
}

function drawGeneral(box, brand) {
  const name = h('input', {value: brand.name ?? '', required: true});
  const timezone = h('input', {value: brand.timezone ?? '', placeholder: 'Europe/Sarajevo'});
  const settings = h('textarea', {rows: 12, spellcheck: 'false', class: 'code',
                                  value: JSON.stringify(brand.settings ?? {}, null, 2)});
  const settingsError = h('p', {class: 'error', id: 'settings-json-error', role: 'alert'});
  settings.setAttribute('aria-describedby', 'settings-json-error');
  const saved = h('span', {class: 'muted', role: 'status'});
  const form = h('form', {class: 'stack'},
    field('brand-name', t('brand_name'), name),
    field('brand-timezone', t('timezone'), timezone),
    field('brand-settings', t('settings_json'), settings, settingsError),
    h('div', {class: 'row'}, h('button', {type: 'submit', class: 'primary'}, t('save')), saved));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    settingsError.textContent = '';
    saved.textContent = '';
    let parsed;
    try {
      parsed = JSON.parse(settings.value || '{}');
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(t('settings_not_object'));
    } catch (err) {
      settingsError.textContent = t('settings_invalid_json', {message: err.message});
      settings.focus();
      return;
    }
    try {
      await api('PATCH', `/brands/${encodeURIComponent(brand.slug)}`,
                {name: name.value, timezone: timezone.value, settings: parsed});
      saved.textContent = t('saved');
    } catch (err) {
      settingsError.textContent = problem(err);
    }
  });
  clear(box).append(h('h2', {id: 'brand-title'}, t('brand_general', {slug: brand.slug})), form);
}

async function drawSources(box, slug) {
  clear(box).append(h('h2', {id: 'sources-title'}, t('sources')));
  let list;
  try {
    list = itemsOf(await api('GET', `/brands/${encodeURIComponent(slug)}/sources`));
  } catch (e) {
    box.append(h('p', {class: 'error'}, t('error_generic', {message: problem(e)})));
    return;
  }
  box.append(list.length ? h('table', {class: 'table'},
    h('thead', {}, h('tr', {}, [t('source_name'), t('platform'), t('health'), t('last_poll'), t('last_error'), '']
      .map((x) => h('th', {scope: 'col'}, x)))),
    h('tbody', {}, list.map((src) => h('tr', {},
      h('td', {}, src.name), h('td', {}, src.platform),
      h('td', {}, h('span', {class: `chip health-${src.health ?? 'ok'}`}, label('health', src.health ?? 'ok'))),
      h('td', {}, formatTime(src.last_poll_at)), h('td', {class: 'muted'}, src.last_error || ''),
      h('td', {}, h('button', {type: 'button', class: 'secondary danger', onclick: async () => {
        if (!window.confirm(t('confirm_remove_source', {name: src.name}))) return;
        try {
          await api('DELETE', `/brands/${encodeURIComponent(slug)}/sources/${encodeURIComponent(src.name)}`);
          drawSources(box, slug);
        } catch (e) {
          toast(problem(e), 'error');
        }
      }}, t('remove'))))))) : h('p', {class: 'muted'}, t('no_sources')));

  const name = h('input', {required: true, pattern: '[a-z0-9][a-z0-9._-]*'});
  const platform = h('select', {}, PLATFORMS.map((p) => h('option', {value: p}, p)));
  const settings = h('textarea', {rows: 4, class: 'code', spellcheck: 'false', value: '{\n  "query": ""\n}'});
  const interval = h('input', {type: 'number', min: 10, placeholder: '300'});
  const error = h('p', {class: 'error', role: 'alert'});
  const form = h('form', {class: 'stack inline-form', 'aria-label': t('add_source')},
    h('h3', {}, t('add_source')),
    field('source-name', t('source_name'), name), field('source-platform', t('platform'), platform),
    field('source-settings', t('source_settings'), settings, h('p', {class: 'muted'}, t('source_settings_hint'))),
    field('source-interval', t('poll_interval'), interval), error,
    h('button', {type: 'submit', class: 'primary'}, t('add')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    let parsed;
    try {
      parsed = JSON.parse(settings.value || '{}');
    } catch (err) {
      error.textContent = t('settings_invalid_json', {message: err.message});
      return;
    }
    const body = {name: name.value, platform: platform.value, settings: parsed};
    if (interval.value) body.poll_interval_s = Number(interval.value);
    try {
      await api('POST', `/brands/${encodeURIComponent(slug)}/sources`, body);
      drawSources(box, slug);
    } catch (err) {
      error.textContent = problem(err);
    }
  });
  box.append(form);
}

async function drawPeople(box, slug) {
  clear(box).append(h('h2', {id: 'people-title'}, t('people')));
  let users;
  try {
    users = await listAll('/users', {brand: slug});
  } catch (e) {
    box.append(h('p', {class: 'error'}, t('error_generic', {message: problem(e)})));
    return;
  }
  const mayGrant = (role) => session.user?.instance_admin || role !== 'admin' || can(slug, 'admin');
  const setRole = async (login, role) => {
    try {
      await api('PATCH', `/users/${encodeURIComponent(login)}`, {brands: {[slug]: role}});
      toast(t('saved'));
      drawPeople(box, slug);
    } catch (e) {
      toast(problem(e), 'error');
      drawPeople(box, slug);
    }
  };
  box.append(h('table', {class: 'table'},
    h('thead', {}, h('tr', {}, [t('login'), t('name'), t('email'), t('role'), ''].map((x) => h('th', {scope: 'col'}, x)))),
    h('tbody', {}, users.map((u) => {
      const role = u.brands?.[slug] ?? u.role ?? 'viewer';
      const pick = h('select', {'aria-label': t('role_of', {login: u.login}), onchange: () => setRole(u.login, pick.value)},
        ROLES.filter(mayGrant).map((r) => h('option', {value: r, selected: r === role}, label('role', r))));
      return h('tr', {}, h('td', {}, u.login), h('td', {}, u.name ?? ''), h('td', {}, u.email ?? ''), h('td', {}, pick),
        h('td', {}, u.login === session.user?.login ? null : h('button', {type: 'button', class: 'secondary danger',
          onclick: () => { if (window.confirm(t('confirm_remove_person', {login: u.login}))) setRole(u.login, null); }},
        t('remove'))));
    }))));
  const add = h('button', {type: 'button', class: 'primary', id: 'add-person', onclick: async () => {
    const login = h('input', {required: true, autocomplete: 'off'});
    const name = h('input', {required: true});
    const email = h('input', {type: 'email'});
    const password = h('input', {type: 'password', autocomplete: 'new-password'});
    const role = h('select', {}, ROLES.filter(mayGrant).map((r) => h('option', {value: r, selected: r === 'agent'}, label('role', r))));
    const done = await modal(t('add_person'), [field('new-login', t('login'), login), field('new-name', t('name'), name),
      field('new-email', t('email'), email), field('new-password', t('password'), password), field('new-role', t('role'), role)],
    {submitLabel: t('add'), cancelLabel: t('cancel'), onSubmit: async () => {
      const body = {login: login.value, name: name.value, email: email.value, brands: {[slug]: role.value}};
      if (password.value) body.password = password.value;
      try {
        await api('POST', '/users', body);
      } catch (e) {
        // Someone who already exists is given the role in this brand instead.
        if (e instanceof ApiError && e.status === 409) {
          await api('PATCH', `/users/${encodeURIComponent(login.value)}`, {brands: {[slug]: role.value}});
        } else {
          throw new Error(problem(e));
        }
      }
      return true;
    }});
    if (done) drawPeople(box, slug);
  }}, t('add_person'));
  box.append(add);
}

async function drawTokens(box) {
  clear(box).append(h('h2', {id: 'tokens-title'}, t('api_tokens')), h('p', {class: 'muted'}, t('tokens_intro')));
  let tokens;
  try {
    tokens = await listAll('/tokens');
  } catch (e) {
    box.append(h('p', {class: 'error'}, t('error_generic', {message: problem(e)})));
    return;
  }
  box.append(tokens.length ? h('table', {class: 'table'},
    h('thead', {}, h('tr', {}, [t('token_name'), t('created'), t('last_used'), ''].map((x) => h('th', {scope: 'col'}, x)))),
    h('tbody', {}, tokens.map((tok) => h('tr', {}, h('td', {}, tok.name ?? tok.label ?? `#${tok.id}`),
      h('td', {}, formatTime(tok.created_at)), h('td', {}, formatTime(tok.last_used_at)),
      h('td', {}, h('button', {type: 'button', class: 'secondary danger', onclick: async () => {
        if (!window.confirm(t('confirm_revoke', {name: tok.name ?? tok.id}))) return;
        try {
          await api('DELETE', `/tokens/${encodeURIComponent(tok.id)}`);
          drawTokens(box);
        } catch (e) {
          toast(problem(e), 'error');
        }
      }}, t('revoke'))))))) : h('p', {class: 'muted'}, t('no_tokens')));
  const name = h('input', {required: true, placeholder: t('token_name_hint')});
  const shown = h('div', {class: 'token-once', role: 'status'});
  const form = h('form', {class: 'row wrap'}, h('label', {for: 'token-name'}, t('token_name')), name,
    h('button', {type: 'submit', class: 'primary'}, t('create_token')));
  name.id = 'token-name';
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const made = await api('POST', '/tokens', {name: name.value});
      const secret = made?.token ?? made?.secret ?? '';
      await drawTokens(box);
      box.append(h('div', {class: 'token-once', role: 'status'}, h('p', {}, t('token_once')),
        h('code', {id: 'new-token'}, secret)));
    } catch (err) {
      shown.textContent = problem(err);
    }
  });
  box.append(form, shown);
}
