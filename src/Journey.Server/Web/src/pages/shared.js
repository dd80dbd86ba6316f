import { h } from '../dom.js';
import { localName, t } from '../i18n.js';

// The query API speaks in catalog ids; people read the catalog's names.

export function journeyTypeName(context, id) {
  return localName(context.journeyTypes.find((j) => j.id === id)?.name, id);
}

export function agencyName(context, id) {
  return localName(context.agencies.find((a) => a.id === id)?.name, id);
}

/**
 * A name short enough for a chart's axis: "Nav (Arbeids- og velferdsetaten)" is "Nav", "Norwegian Labour
 * and Welfare Administration (Nav)" too; tables keep the full name.
 */
export function agencyShortName(context, id) {
  const full = agencyName(context, id);
  const match = /^(.*?)\s*\(([^)]*)\)$/.exec(full);
  if (!match) {
    return full;
  }
  const [, outside, inside] = match;
  return outside.split(' ').length > 3 && !inside.includes(' ') ? inside : outside;
}

export function serviceName(context, journeyType, id) {
  const type = context.journeyTypes.find((j) => j.id === journeyType);
  return localName(type?.services.find((s) => s.id === id)?.name, id);
}

export function activityOf(context, journeyType, code) {
  const type = context.journeyTypes.find((j) => j.id === journeyType);
  return type?.activities.find((a) => a.code === code);
}

/** Headline figures as a description list; each figure carries its raw value for whoever checks it. */
export function figureList(figures) {
  return h('dl', { class: 'figures' }, figures.map((figure) =>
    h('div', { dataset: { figure: figure.name, value: String(figure.value) } },
      h('dt', {}, figure.label),
      h('dd', {}, figure.text))));
}

export function suppressedNote(k) {
  return h('p', { class: 'suppressed-note' }, t('suppressedLong', { k }));
}

/** "Nav (3 skjult)" style label for a chart category whose figures are suppressed. */
export function chartLabel(text, suppressed) {
  return suppressed ? `${text} (${t('suppressed')})` : text;
}
