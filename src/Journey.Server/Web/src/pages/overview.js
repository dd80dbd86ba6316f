import { analytics, count } from '../api.js';
import { chartFigure, daysAxis, palette } from '../charts.js';
import { h, replace } from '../dom.js';
import { filterQuery } from '../filters.js';
import { duration, monthName, number, percent } from '../format.js';
import { t } from '../i18n.js';
import { figureList, journeyTypeName, suppressedNote } from './shared.js';

const secondsPerDay = 86_400;

/** Overview at /: every journey type with its headline figures and its monthly trend. */
export async function renderOverview(main, { context, filters }) {
  const [overview, series] = await Promise.all([analytics('overview', filters), analytics('months', filters)]);
  const k = overview.scope?.minGroupSize ?? 5;
  const monthsByType = new Map((series.journeyTypes ?? []).map((type) => [type.journeyType, type.months ?? []]));
  const draws = [];
  const cards = (overview.journeyTypes ?? []).map((type) => {
    const card = journeyTypeCard(context, filters, type, monthsByType.get(type.journeyType) ?? [], k);
    draws.push(...card.draws);
    return card.element;
  });
  replace(main,
    h('h1', {}, t('overviewHeading')),
    h('p', { class: 'intro' }, t('overviewIntro', { k })),
    cards.length ? h('div', { class: 'cards' }, cards) : h('p', { class: 'message' }, t('noData')));
  draws.forEach((draw) => draw());
  return t('overviewHeading');
}

function journeyTypeCard(context, filters, type, months, k) {
  const id = type.journeyType;
  const name = journeyTypeName(context, id);
  const base = `/journey-types/${encodeURIComponent(id)}`;
  const query = filterQuery(filters);
  const endToEnd = type.endToEnd ?? {};
  const starts = type.starts ?? {};
  const suppressed = type.suppressed === true;
  const headingId = `type-${id}`;
  const figures = figureList([
    { name: 'journeys', label: t('journeys'), value: count(type.journeys), text: suppressed ? t('suppressed') : number(count(type.journeys)) },
    { name: 'median', label: t('medianEndToEnd'), value: endToEnd.medianSeconds ?? 0, text: suppressed || endToEnd.suppressed ? t('suppressed') : duration(endToEnd.medianSeconds) },
    { name: 'p90', label: t('p90EndToEnd'), value: endToEnd.p90Seconds ?? 0, text: suppressed || endToEnd.suppressed ? t('suppressed') : duration(endToEnd.p90Seconds) },
    { name: 'proactive', label: t('proactiveShare'), value: starts.share ?? 0, text: suppressed || starts.suppressed ? t('suppressed') : percent(starts.share ?? 0) },
  ]);

  const draws = [];
  let trend = null;
  if (months.length > 0) {
    const chart = trendChart(id, name, months, k);
    draws.push(chart.draw);
    trend = chart.element;
  }
  const element = h('article', { class: 'card', 'aria-labelledby': headingId, dataset: { journeyType: id } },
    h('h2', { id: headingId }, h('a', { href: base + query }, name)),
    suppressed ? suppressedNote(k) : null,
    figures,
    trend,
    h('p', { class: 'links' },
      h('a', { href: base + query }, t('openJourneyType', { name })),
      h('a', { href: `${base}/process-map${query}` }, t('openProcessMap', { name }))));
  return { element, draws };
}

function trendChart(id, name, months, k) {
  const labels = months.map((m) => monthName(m.month, true));
  // A suppressed month is a gap in the lines, not a zero: nothing is known about it here.
  const value = (m, field) => (m.suppressed || m.endToEnd?.suppressed ? null : (m.endToEnd?.[field] ?? 0) / secondsPerDay);
  const hidden = months.filter((m) => m.suppressed || m.endToEnd?.suppressed).map((m) => monthName(m.month, true));
  return chartFigure({
    note: hidden.length ? h('p', { class: 'suppressed-note' }, t('suppressedMonths', { k, months: hidden.join(', ') })) : null,
    name: `trend-${id}`,
    title: t('monthlyTrend'),
    ariaLabel: t('trendAria', { name }),
    height: 260,
    config: {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: t('median'), data: months.map((m) => value(m, 'medianSeconds')), borderColor: palette[0], backgroundColor: palette[0], borderWidth: 3, pointRadius: 4, spanGaps: false },
          { label: t('p90'), data: months.map((m) => value(m, 'p90Seconds')), borderColor: palette[1], backgroundColor: palette[1], borderWidth: 3, borderDash: [8, 4], pointRadius: 4, pointStyle: 'rectRot', spanGaps: false },
        ],
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: { y: daysAxis(t('daysUnit')) },
        plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${item.raw === null ? t('suppressed') : duration(item.raw * secondsPerDay)}` } } },
      },
    },
    table: {
      name: `trend-${id}`,
      columns: [
        { label: t('month') },
        { label: t('journeys'), numeric: true },
        { label: t('median'), numeric: true },
        { label: t('p90'), numeric: true },
      ],
      rows: months.map((m) => {
        const hidden = m.suppressed || m.endToEnd?.suppressed;
        return {
          key: m.month,
          suppressed: hidden,
          cells: [
            { text: monthName(m.month), value: m.month },
            hidden ? { text: t('suppressedLong', { k }) } : { text: number(count(m.journeys)), value: count(m.journeys) },
            hidden ? { text: t('suppressed') } : { text: duration(m.endToEnd?.medianSeconds, true), value: m.endToEnd?.medianSeconds ?? 0 },
            hidden ? { text: t('suppressed') } : { text: duration(m.endToEnd?.p90Seconds, true), value: m.endToEnd?.p90Seconds ?? 0 },
          ],
        };
      }),
    },
  });
}
