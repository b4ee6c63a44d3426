// The app's entry: who is signed in, the top bar, and the client-side routes (/app/queue, /app/cases/ID,
// /app/dashboard, /app/settings, /app/signin). The daemon answers every /app/… path with index.html.

import {api, setCsrfToken, whenSignedOut} from './api.js';
import {clear, h} from './dom.js';
import {language, languages, setLanguage, t} from './i18n.js';
import {leadsAny, session, setSession} from './session.js';
import {renderSignIn} from './signin.js';
import {renderQueue, renderCase} from './queue.js';
import {renderDashboard} from './dashboard.js';
import {renderSettings} from './settings.js';

let cleanup = null;  // the current screen's stop function (timers, key handlers)

export function navigate(path, {replace = false} = {}) {
  if (replace) history.replaceState(null, '', path);
  else if (location.pathname + location.search !== path) history.pushState(null, '', path);
  route();
}

function topBar() {
  const top = document.getElementById('top');
  clear(top);
  if (!session.user) {
    top.hidden = true;
    return;
  }
  top.hidden = false;
  const link = (path, label) => h('a', {
    href: path, 'aria-current': location.pathname.startsWith(path) ? 'page' : null,
    onclick: (e) => { e.preventDefault(); navigate(path); },
  }, label);
  const picker = h('select', {id: 'language', 'aria-label': t('language'), onchange: (e) => {
    setLanguage(e.target.value);
    route();
  }}, languages.map((l) => h('option', {value: l.code, selected: l.code === language()}, l.name)));
  top.append(
    h('span', {class: 'brandmark'}, 'odziv'),
    h('nav', {'aria-label': t('nav')}, link('/app/queue', t('queue')), link('/app/dashboard', t('dashboard')),
      link('/app/settings', leadsAny() ? t('settings') : t('tokens'))),
    h('span', {class: 'spacer'}),
    h('label', {class: 'sr-only', for: 'language'}, t('language')), picker,
    h('span', {class: 'who'}, session.user.name || session.user.login),
    h('button', {type: 'button', class: 'secondary', id: 'sign-out', onclick: signOut}, t('sign_out')));
}

async function signOut() {
  try {
    await api('DELETE', '/session');
  } catch {
    // Signed out already, or the server is gone: either way the page forgets the session.
  }
  setSession(null);
  setCsrfToken(null);
  navigate('/app/signin');
}

async function loadSession() {
  try {
    const data = await api('GET', '/session', undefined, {quiet401: true});
    setSession(data);
    setCsrfToken(data.csrf_token);
  } catch {
    setSession(null);
  }
}

function route() {
  if (cleanup) cleanup();
  cleanup = null;
  document.documentElement.lang = language();
  const main = clear(document.getElementById('main'));
  const path = location.pathname;
  if (!session.user && path !== '/app/signin') {
    history.replaceState(null, '', `/app/signin?next=${encodeURIComponent(path + location.search)}`);
  }
  const known = ['/app/signin', '/app/cases/', '/app/dashboard', '/app/settings', '/app/queue'];
  if (session.user && !known.some((k) => location.pathname.startsWith(k))) history.replaceState(null, '', '/app/queue');
  topBar();
  const at = location.pathname;
  let screen;
  if (at === '/app/signin') {
    if (session.user) return navigate('/app/queue', {replace: true});
    screen = renderSignIn(main, async (data) => {
      setSession(data);
      setCsrfToken(data.csrf_token);
      const next = new URLSearchParams(location.search).get('next');
      navigate(next && next.startsWith('/app/') && !next.startsWith('/app/signin') ? next : '/app/queue');
    });
  } else if (at.startsWith('/app/cases/')) {
    screen = renderCase(main, decodeURIComponent(at.slice('/app/cases/'.length)));
  } else if (at.startsWith('/app/dashboard')) {
    screen = renderDashboard(main);
  } else if (at.startsWith('/app/settings')) {
    screen = renderSettings(main);
  } else {
    screen = renderQueue(main);
  }
  cleanup = typeof screen === 'function' ? screen : null;
}

whenSignedOut(() => {
  if (!session.user) return;
  setSession(null);
  navigate(`/app/signin?next=${encodeURIComponent(location.pathname)}`);
});
window.addEventListener('popstate', route);
await loadSession();
route();
