import { analytics, count, NotFoundError } from '../api.js';
import { chartFigure, daysAxis, palette, stageColours } from '../charts.js';
import { h, replace } from '../dom.js';
import { filterQuery } from '../filters.js';
import { duration, number, percent } from '../format.js';
import { t } from '../i18n.js';
import { agencyName, agencyShortName, chartLabel, figureList, journeyTypeName, serviceName, suppressedNote } from './shared.js';

const secondsPerDay = 86_400;

function barHeight(bars) {
  return Math.max(220, 90 + bars * 52);
}

/** One journey type: time per service, the end-to-end distribution, hand-overs, proactive opportunities. */
export async function renderJourneyType(main, { context, filters, journeyType }) {
  if (!context.journeyTypes.some((j) => j.id === journeyType)) {
    throw new NotFoundError(journeyType);
  }
  const [overview, breakdown, ranking] = await Promise.all([
    analytics('overview', filters, journeyType),
    analytics('services', filters, journeyType),
    analytics('opportunities', filters, journeyType),
  ]);
  const k = overview.scope?.minGroupSize ?? 5;
  const type = (overview.journeyTypes ?? []).find((j) => j.journeyType === journeyType) ?? {};
  const services = (breakdown.journeyTypes ?? []).find((j) => j.journeyType === journeyType)?.services ?? [];
  const opportunities = (ranking.opportunities ?? []).filter((o) => o.journeyType === journeyType);
  const name = journeyTypeName(context, journeyType);
  const suppressed = type.suppressed === true;
  const endToEnd = type.endToEnd ?? {};
  const starts = type.starts ?? {};

  const figures = [
    stagesChart(context, journeyType, name, services, k),
    distributionChart(name, endToEnd, suppressed, k),
    handOversChart(context, name, type.handOvers ?? [], k),
    opportunitiesChart(context, journeyType, name, opportunities, k),
  ];
  replace(main,
    h('h1', {}, name),
    suppressed ? suppressedNote(k) : null,
    figureList([
      { name: 'journeys', label: t('journeys'), value: count(type.journeys), text: suppressed ? t('suppressed') : number(count(type.journeys)) },
      { name: 'median', label: t('medianEndToEnd'), value: endToEnd.medianSeconds ?? 0, text: suppressed || endToEnd.suppressed ? t('suppressed') : duration(endToEnd.medianSeconds) },
      { name: 'p90', label: t('p90EndToEnd'), value: endToEnd.p90Seconds ?? 0, text: suppressed || endToEnd.suppressed ? t('suppressed') : duration(endToEnd.p90Seconds) },
      { name: 'proactive', label: t('proactiveShare'), value: starts.share ?? 0, text: suppressed || starts.suppressed ? t('suppressed') : percent(starts.share ?? 0) },
    ]),
    h('p', { class: 'links' },
      h('a', { href: `/journey-types/${encodeURIComponent(journeyType)}/process-map${filterQuery(filters)}` }, t('openProcessMap', { name }))),
    h('section', { 'aria-labelledby': 'services-heading' },
      h('h2', { id: 'services-heading' }, t('servicesHeading')),
      figures[0].element),
    h('div', { class: 'grid-2' },
      h('section', { 'aria-labelledby': 'distribution-heading' },
        h('h2', { id: 'distribution-heading' }, t('distributionHeading')),
        figures[1].element),
      h('section', { 'aria-labelledby': 'handovers-heading' },
        h('h2', { id: 'handovers-heading' }, t('handoversHeading')),
        figures[2].element)),
    h('section', { 'aria-labelledby': 'opportunities-heading' },
      h('h2', { id: 'opportunities-heading' }, t('opportunitiesHeading')),
      figures[3].element));
  figures.forEach((figure) => figure.draw());
  return name;
}

function stagesChart(context, journeyType, name, services, k) {
  const label = (s) => chartLabel(`${serviceName(context, journeyType, s.service)} (${agencyShortName(context, s.agency)})`, s.suppressed);
  const part = (s, field) => (s.suppressed ? null : (s[field]?.medianSeconds ?? 0) / secondsPerDay);
  const stage = (key, field, colour) => ({
    label: t(key),
    data: services.map((s) => part(s, field)),
    backgroundColor: colour,
    borderColor: '#1a1a1a',
    borderWidth: 1,
  });
  const cell = (s, field) => (s.suppressed ? { text: t('suppressed') } : { text: duration(s[field]?.medianSeconds, true), value: s[field]?.medianSeconds ?? 0 });
  return chartFigure({
    name: 'stages',
    title: t('servicesHeading'),
    showTitle: false,
    description: t('servicesIntro'),
    ariaLabel: t('stagesAria', { name }),
    height: barHeight(services.length),
    config: {
      type: 'bar',
      data: {
        labels: services.map(label),
        datasets: [
          stage('waitingForCitizen', 'waitingForCitizen', stageColours.waiting),
          stage('agencyProcessing', 'agencyProcessing', stageColours.processing),
          stage('delivery', 'delivery', stageColours.delivery),
        ],
      },
      options: {
        indexAxis: 'y',
        scales: { x: { ...daysAxis(t('daysUnit')), stacked: true }, y: { stacked: true } },
        plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${item.raw === null ? t('suppressed') : duration(item.raw * secondsPerDay)}` } } },
      },
    },
    table: {
      name: 'stages',
      columns: [
        { label: t('service') },
        { label: t('agency') },
        { label: t('count'), numeric: true },
        { label: t('waitingForCitizen'), numeric: true },
        { label: t('agencyProcessing'), numeric: true },
        { label: t('delivery'), numeric: true },
        { label: t('total'), numeric: true },
      ],
      rows: services.map((s) => ({
        key: s.service,
        suppressed: s.suppressed,
        cells: [
          { text: serviceName(context, journeyType, s.service), value: s.service },
          agencyName(context, s.agency),
          s.suppressed ? { text: t('suppressedLong', { k }) } : { text: number(count(s.count)), value: count(s.count) },
          cell(s, 'waitingForCitizen'),
          cell(s, 'agencyProcessing'),
          cell(s, 'delivery'),
          cell(s, 'total'),
        ],
      })),
    },
  });
}

function distributionChart(name, endToEnd, typeSuppressed, k) {
  const hidden = typeSuppressed || endToEnd.suppressed || count(endToEnd.count) === 0;
  const points = [
    { key: 'min', label: t('fastest'), field: 'minSeconds' },
    { key: 'p50', label: t('percentileOf', { p: 50 }), field: 'medianSeconds' },
    { key: 'p90', label: t('percentileOf', { p: 90 }), field: 'p90Seconds' },
    { key: 'p95', label: t('percentileOf', { p: 95 }), field: 'p95Seconds' },
    { key: 'p99', label: t('percentileOf', { p: 99 }), field: 'p99Seconds' },
    { key: 'max', label: t('slowest'), field: 'maxSeconds' },
  ];
  return chartFigure({
    name: 'distribution',
    title: t('distributionHeading'),
    showTitle: false,
    description: t('distributionIntro'),
    ariaLabel: t('distributionAria', { name }),
    height: 320,
    config: {
      type: 'bar',
      data: {
        labels: points.map((p) => p.label),
        datasets: [{
          label: t('endToEnd'),
          data: points.map((p) => (hidden ? null : (endToEnd[p.field] ?? 0) / secondsPerDay)),
          backgroundColor: palette[0],
          borderColor: '#1a1a1a',
          borderWidth: 1,
        }],
      },
      options: {
        scales: { y: daysAxis(t('daysUnit')) },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => duration(item.raw * secondsPerDay) } },
        },
      },
    },
    table: {
      name: 'distribution',
      columns: [{ label: t('percentile') }, { label: t('value'), numeric: true }],
      rows: [
        ...points.map((p) => ({
          key: p.key,
          suppressed: hidden,
          cells: [p.label, hidden ? { text: t('suppressedLong', { k }) } : { text: duration(endToEnd[p.field], true), value: endToEnd[p.field] ?? 0 }],
        })),
        {
          key: 'count',
          suppressed: hidden,
          cells: [t('journeys'), hidden ? { text: t('suppressed') } : { text: number(count(endToEnd.count)), value: count(endToEnd.count) }],
        },
      ],
    },
  });
}

function handOversChart(context, name, unsorted, k) {
  // Longest first: the hand-overs worth looking at lead; suppressed ones (time unknown) come last.
  const handOvers = [...unsorted].sort((a, b) =>
    Number(a.suppressed === true) - Number(b.suppressed === true) || (b.times?.medianSeconds ?? 0) - (a.times?.medianSeconds ?? 0));
  const label = (o) => chartLabel(`${agencyShortName(context, o.fromAgency)} → ${agencyShortName(context, o.toAgency)}`, o.suppressed);
  const value = (o, field) => (o.suppressed ? null : (o.times?.[field] ?? 0) / secondsPerDay);
  const cell = (o, field) => (o.suppressed ? { text: t('suppressed') } : { text: duration(o.times?.[field], true), value: o.times?.[field] ?? 0 });
  return chartFigure({
    name: 'handovers',
    title: t('handoversHeading'),
    showTitle: false,
    description: t('handoversIntro'),
    ariaLabel: t('handoversAria', { name }),
    height: barHeight(handOvers.length),
    config: {
      type: 'bar',
      data: {
        labels: handOvers.map(label),
        datasets: [
          { label: t('median'), data: handOvers.map((o) => value(o, 'medianSeconds')), backgroundColor: palette[0], borderColor: '#1a1a1a', borderWidth: 1 },
          { label: t('p90'), data: handOvers.map((o) => value(o, 'p90Seconds')), backgroundColor: palette[4], borderColor: '#1a1a1a', borderWidth: 1 },
        ],
      },
      options: {
        indexAxis: 'y',
        scales: { x: daysAxis(t('daysUnit')) },
        plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${item.raw === null ? t('suppressed') : duration(item.raw * secondsPerDay)}` } } },
      },
    },
    table: {
      name: 'handovers',
      columns: [
        { label: t('fromAgency') },
        { label: t('toAgency') },
        { label: t('journeys'), numeric: true },
        { label: t('median'), numeric: true },
        { label: t('p90'), numeric: true },
      ],
      rows: handOvers.map((o) => ({
        key: `${o.fromAgency}>${o.toAgency}`,
        suppressed: o.suppressed,
        cells: [
          { text: agencyName(context, o.fromAgency), value: o.fromAgency },
          { text: agencyName(context, o.toAgency), value: o.toAgency },
          o.suppressed ? { text: t('suppressedLong', { k }) } : { text: number(count(o.journeys)), value: count(o.journeys) },
          cell(o, 'medianSeconds'),
          cell(o, 'p90Seconds'),
        ],
      })),
    },
  });
}

function opportunitiesChart(context, journeyType, name, opportunities, k) {
  const label = (o) => chartLabel(`${serviceName(context, journeyType, o.service)} (${agencyShortName(context, o.agency)})`, o.suppressed);
  return chartFigure({
    name: 'opportunities',
    title: t('opportunitiesHeading'),
    showTitle: false,
    note: opportunities.length ? null : h('p', { class: 'message' }, t('noOpportunities')),
    description: t('opportunitiesIntro'),
    ariaLabel: t('opportunitiesAria', { name }),
    height: barHeight(opportunities.length),
    config: {
      type: 'bar',
      data: {
        labels: opportunities.map(label),
        datasets: [{
          label: t('citizenDays'),
          data: opportunities.map((o) => (o.suppressed ? null : o.citizenDays ?? 0)),
          backgroundColor: stageColours.waiting,
          borderColor: '#1a1a1a',
          borderWidth: 1,
        }],
      },
      options: {
        indexAxis: 'y',
        scales: { x: { beginAtZero: true, title: { display: true, text: t('citizenDays') } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => t('daysLong', { n: number(item.raw ?? 0, 1) }) } },
        },
      },
    },
    table: {
      name: 'opportunities',
      rowHeader: 1,
      columns: [
        { label: t('rank'), numeric: true },
        { label: t('service') },
        { label: t('agency') },
        { label: t('journeysAffected'), numeric: true },
        { label: t('citizenDays'), numeric: true },
        { label: t('medianWait'), numeric: true },
      ],
      rows: opportunities.map((o) => ({
        key: o.service,
        suppressed: o.suppressed,
        cells: [
          { text: String(o.rank ?? ''), value: o.rank ?? 0 },
          { text: serviceName(context, journeyType, o.service), value: o.service },
          agencyName(context, o.agency),
          o.suppressed ? { text: t('suppressedLong', { k }) } : { text: number(count(o.journeysAffected)), value: count(o.journeysAffected) },
          o.suppressed ? { text: t('suppressed') } : { text: number(o.citizenDays ?? 0, 1), value: o.citizenDays ?? 0 },
          o.suppressed ? { text: t('suppressed') } : { text: duration(o.wait?.medianSeconds, true), value: o.wait?.medianSeconds ?? 0 },
        ],
      })),
    },
  });
}
