import { ApiError, context as loadContext, NotFoundError } from './api.js';
import { signIn, signOut, token } from './auth.js';
import { h, replace } from './dom.js';
import { currentFilters, filterBar, filterQuery, periodIsValid } from './filters.js';
import { language, localName, setLanguage, t } from './i18n.js';
import { renderJourneyType } from './pages/journeyType.js';
import { renderOverview } from './pages/overview.js';
import { renderProcessMap } from './pages/processMap.js';

/** Which page the address names: /, /journey-types/{id} or /journey-types/{id}/process-map. */
function route() {
  const parts = location.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'journey-types' && parts[1]) {
    return { page: parts[2] === 'process-map' ? 'processMap' : 'journeyType', journeyType: parts[1] };
  }
  return { page: 'overview' };
}

const pages = { overview: renderOverview, journeyType: renderJourneyType, processMap: renderProcessMap };

function setState(state) {
  document.body.dataset.state = state;
}

function navigation(context, where, filters) {
  const query = filterQuery(filters);
  const items = [h('li', {}, h('a', { href: `/${query}`, 'aria-current': where.page === 'overview' ? 'page' : undefined }, t('navOverview')))];
  const type = context.journeyTypes.find((j) => j.id === where.journeyType);
  if (type) {
    const base = `/journey-types/${encodeURIComponent(type.id)}`;
    items.push(
      h('li', {}, h('a', { href: base + query, 'aria-current': where.page === 'journeyType' ? 'page' : undefined },
        `${localName(type.name, type.id)}: ${t('navJourneyType').toLowerCase()}`)),
      h('li', {}, h('a', { href: `${base}/process-map${query}`, 'aria-current': where.page === 'processMap' ? 'page' : undefined },
        `${localName(type.name, type.id)}: ${t('navProcessMap').toLowerCase()}`)));
  }
  return h('ol', {}, items);
}

function tools(context, rerender) {
  const languageButton = h('button', {
    type: 'button',
    id: 'language',
    lang: language() === 'nb' ? 'en' : 'nb',
    'aria-label': t('switchToLabel'),
    onclick: () => {
      setLanguage(language() === 'nb' ? 'en' : 'nb');
      rerender().then(() => document.getElementById('language')?.focus());
    },
  }, t('switchTo'));
  const account = token()
    ? [h('span', { class: 'who' }, t('signedIn')),
      h('button', { type: 'button', id: 'sign-out', onclick: () => { signOut(); location.reload(); } }, t('signOut'))]
    : [h('button', { type: 'button', id: 'sign-in', onclick: () => openSignIn(context) }, t('signIn'))];
  return [languageButton, ...account];
}

async function openSignIn(context) {
  if (await signIn(context)) {
    location.reload();
  }
}

function problem(context, error) {
  if (error instanceof ApiError && error.status === 401) {
    setState('signed-out');
    return h('div', { class: 'message', role: 'alert' },
      h('p', {}, t('needSignIn')),
      h('button', { type: 'button', class: 'primary', onclick: () => openSignIn(context) }, t('signIn')));
  }
  if (error instanceof NotFoundError) {
    setState('not-found');
    return h('div', { class: 'message error', role: 'alert' }, h('p', {}, t('notFound', { id: error.id })));
  }
  if (error instanceof ApiError && error.status === 400) {
    setState('invalid');
    const violations = (error.detail?.details ?? []).flatMap((d) => d.fieldViolations ?? []);
    const detail = violations.length ? violations.map((v) => `${v.field} ${v.description}`).join('; ') : (error.detail?.message ?? '');
    return h('div', { class: 'message error', role: 'alert' }, h('p', {}, t('invalid', { detail })));
  }
  if (error instanceof ApiError && error.status === 403) {
    setState('forbidden');
    return h('div', { class: 'message error', role: 'alert' }, h('p', {}, t('forbidden')));
  }
  setState('error');
  const text = error instanceof ApiError
    ? (error.status === 0 ? t('unreachable') : t('failed', { status: error.status }))
    : String(error?.message ?? error);
  // Kept in the console too: what went wrong in detail is for whoever debugs, not for the page.
  console.error(error);
  return h('div', { class: 'message error', role: 'alert' }, h('p', {}, text));
}

async function start() {
  let context;
  try {
    context = await loadContext();
  } catch (error) {
    replace(document.getElementById('main'), problem(undefined, error));
    return;
  }
  const where = route();
  const filters = currentFilters();

  const render = async () => {
    setState('loading');
    document.documentElement.lang = language();
    document.querySelector('.skip').textContent = t('skip');
    document.getElementById('nav').setAttribute('aria-label', t('navLabel'));
    replace(document.getElementById('nav'), navigation(context, where, filters));
    replace(document.getElementById('tools'), tools(context, render));
    replace(document.getElementById('filters'), filterBar(context, filters));
    const main = document.getElementById('main');
    replace(main, h('p', { class: 'status', role: 'status' }, t('loading')));
    if (!periodIsValid(filters)) {
      // Said here rather than sent: the query API would only refuse it.
      setState('invalid');
      replace(main, h('div', { class: 'message error', role: 'alert' }, h('p', {}, t('invalidPeriod'))));
      return;
    }
    try {
      const title = await pages[where.page](main, { context, filters, journeyType: where.journeyType });
      document.title = `${title} – Journey`;
      setState('ready');
    } catch (error) {
      replace(main, problem(context, error));
    }
  };
  await render();
}

start();
