import { h } from './dom.js';
import { t } from './i18n.js';

// The token lives in sessionStorage: it ends with the tab, and it is never sent by the browser on its
// own (as a cookie would be), so another site cannot make calls with it.
const storageKey = 'journey.token';

export function token() {
  return sessionStorage.getItem(storageKey);
}

export function signOut() {
  sessionStorage.removeItem(storageKey);
}

/** Opens the sign-in dialog; resolves true once a token is stored, false when cancelled. */
export function signIn({ development }) {
  return new Promise((resolve) => {
    const error = h('p', { class: 'form-error', id: 'token-error', role: 'alert' });
    const field = h('textarea', {
      id: 'token',
      name: 'token',
      rows: 5,
      spellcheck: 'false',
      autocomplete: 'off',
      'aria-describedby': 'token-help token-error',
      required: true,
    });
    const dialog = h('dialog', { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
      h('form', { method: 'dialog' },
        h('h2', { id: 'sign-in-title' }, t('signInTitle')),
        h('label', { for: 'token' }, t('tokenLabel')),
        field,
        h('div', { id: 'token-help', class: 'help' },
          development ? h('p', {}, t('tokenHelpDevelopment')) : null,
          h('p', {}, t('tokenHelp'))),
        error,
        h('div', { class: 'buttons' },
          h('button', { type: 'submit', value: 'sign-in', class: 'primary' }, t('signIn')),
          h('button', { type: 'submit', value: 'cancel', formnovalidate: true }, t('cancel')))));
    dialog.querySelector('form').addEventListener('submit', (event) => {
      if (event.submitter?.value !== 'sign-in') {
        return;
      }
      const value = field.value.trim().replace(/^Bearer\s+/i, '');
      if (!value) {
        event.preventDefault();
        error.textContent = t('tokenEmpty');
        field.focus();
        return;
      }
      sessionStorage.setItem(storageKey, value);
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'sign-in' && token() !== null);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    field.focus();
  });
}
