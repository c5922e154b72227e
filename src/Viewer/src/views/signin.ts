import { message, post } from '../api';
import { clear, h } from '../dom';
import type { Me } from '../model';
import type { View } from '../main';

export function showSignIn(root: HTMLElement, signedIn: (me: Me) => void): View {
  const error = h('p', { class: 'error', role: 'alert', id: 'signin-error' });
  if (new URLSearchParams(location.search).has('expired')) error.textContent = 'Your session ended; please sign in again.';
  const user = h('input', { id: 'user', name: 'user', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', id: 'signin' }, 'Sign in');
  const form = h(
    'form',
    { class: 'signin card', novalidate: true },
    h('h1', null, 'Telemed'),
    h('p', { class: 'muted' }, '医共体远程会诊 · County community consults'),
    h('label', { for: 'user' }, 'User name'),
    user,
    h('label', { for: 'password' }, 'Password'),
    password,
    submit,
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!user.value.trim() || !password.value) {
      error.textContent = 'Enter your user name and password.';
      return;
    }
    submit.disabled = true;
    error.textContent = '';
    try {
      const reply = await post<Me>('/api/auth/login', { user: user.value.trim(), password: password.value });
      signedIn(reply.data);
    } catch (e) {
      error.textContent = message(e);
      password.select();
    } finally {
      submit.disabled = false;
    }
  });
  clear(root, h('main', { class: 'center' }, form));
  user.focus();
  return {};
}
