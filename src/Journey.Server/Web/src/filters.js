import { h } from './dom.js';
import { localName, t } from './i18n.js';
import { monthName } from './format.js';

const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The filters in the address: ?from=yyyy-MM&to=yyyy-MM&agency=id, each optional. */
export function currentFilters() {
  const query = new URLSearchParams(location.search);
  const month = (name) => (monthPattern.test(query.get(name) ?? '') ? query.get(name) : null);
  return { from: month('from'), to: month('to'), agency: query.get('agency') || null };
}

/** A period ends no earlier than it starts ("yyyy-MM" compares as text). */
export function periodIsValid(filters) {
  return !filters.from || !filters.to || filters.from <= filters.to;
}

/** The filters as a query string ('' or '?…'), for links between pages that keep the selection. */
export function filterQuery(filters) {
  const query = new URLSearchParams();
  for (const name of ['from', 'to', 'agency']) {
    if (filters[name]) {
      query.set(name, filters[name]);
    }
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The filter bar: an ordinary form, so it works with the keyboard and the browser's own history. */
export function filterBar(context, filters) {
  const agencies = context.agencies;
  const form = h('form', { method: 'get', action: location.pathname, 'aria-describedby': 'filter-summary' },
    h('fieldset', {},
      h('legend', {}, t('filters')),
      h('div', { class: 'field' },
        h('label', { for: 'filter-from' }, t('from')),
        h('input', { id: 'filter-from', name: 'from', type: 'month', value: filters.from ?? '', placeholder: 'yyyy-mm', pattern: '\\d{4}-\\d{2}' })),
      h('div', { class: 'field' },
        h('label', { for: 'filter-to' }, t('to')),
        h('input', { id: 'filter-to', name: 'to', type: 'month', value: filters.to ?? '', placeholder: 'yyyy-mm', pattern: '\\d{4}-\\d{2}' })),
      h('div', { class: 'field' },
        h('label', { for: 'filter-agency' }, t('agency')),
        h('select', { id: 'filter-agency', name: 'agency' },
          h('option', { value: '' }, t('allAgencies')),
          agencies.map((agency) => h('option', { value: agency.id, selected: agency.id === filters.agency }, localName(agency.name, agency.id))))),
      h('button', { type: 'submit', class: 'primary' }, t('apply')),
      h('a', { href: location.pathname, class: 'button' }, t('reset'))));
  const toField = form.querySelector('#filter-to');
  toField.addEventListener('input', () => toField.setCustomValidity(''));
  form.addEventListener('submit', (event) => {
    // Leave empty fields out of the address, so it stays short and shareable.
    event.preventDefault();
    const data = new FormData(form);
    if (!periodIsValid({ from: data.get('from'), to: data.get('to') })) {
      toField.setCustomValidity(t('invalidPeriod'));
      toField.reportValidity();
      return;
    }
    location.assign(location.pathname + filterQuery({ from: data.get('from'), to: data.get('to'), agency: data.get('agency') }));
  });
  return h('section', { class: 'filters', 'aria-label': t('filters') }, form,
    h('p', { id: 'filter-summary', class: 'filter-summary' }, describe(context, filters)));
}

/** The selection in words, e.g. "Viser januar 2026 – mars 2026, Nav." */
export function describe(context, filters) {
  let period = t('periodAll');
  if (filters.from && filters.from === filters.to) {
    period = monthName(filters.from);
  } else if (filters.from && filters.to) {
    period = t('periodRange', { from: monthName(filters.from), to: monthName(filters.to) });
  } else if (filters.from) {
    period = t('periodFrom', { from: monthName(filters.from) });
  } else if (filters.to) {
    period = t('periodTo', { to: monthName(filters.to) });
  }
  const agency = filters.agency
    ? localName(context.agencies.find((a) => a.id === filters.agency)?.name, filters.agency)
    : t('allAgencies').toLowerCase();
  return t('filterSummary', { period, agency });
}
