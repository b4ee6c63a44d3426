// The sign-in screen: login and password; a wrong pair and a rate limit (with the wait) are said plainly.

import {api, ApiError} from './api.js';
import {h} from './dom.js';
import {t} from './i18n.js';

export function renderSignIn(main, onSignedIn) {
  const error = h('p', {class: 'error', role: 'alert', id: 'signin-error'});
  const login = h('input', {id: 'login', name: 'login', autocomplete: 'username', required: true});
  const password = h('input', {id: 'password', name: 'password', type: 'password', autocomplete: 'current-password',
                               required: true});
  const submit = h('button', {type: 'submit', class: 'primary'}, t('sign_in'));
  const form = h('form', {class: 'signin stack', 'aria-labelledby': 'signin-title'},
    h('h1', {id: 'signin-title'}, 'odziv'),
    h('p', {class: 'muted'}, t('signin_intro')),
    h('label', {for: 'login'}, t('login')), login,
    h('label', {for: 'password'}, t('password')), password,
    error, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      const data = await api('POST', '/session', {login: login.value, password: password.value}, {quiet401: true});
      onSignedIn(data);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) error.textContent = t('signin_wrong');
      else if (e instanceof ApiError && e.status === 429) error.textContent = t('signin_rate_limited', {s: e.retryAfterS ?? 60});
      else error.textContent = t('error_generic', {message: e.message});
      password.select();
    } finally {
      submit.disabled = false;
    }
  });
  main.append(form);
  login.focus();
}
