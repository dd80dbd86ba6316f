import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import { analytics, count, NotFoundError } from '../api.js';
import { dataTable, palette } from '../charts.js';
import { h, replace } from '../dom.js';
import { filterQuery } from '../filters.js';
import { duration, number } from '../format.js';
import { localName, t } from '../i18n.js';
import { activityOf, agencyName, journeyTypeName, suppressedNote } from './shared.js';

cytoscape.use(dagre);

const maps = new Map();
const arcLimits = [25, 50, 100];
const defaultArcLimit = 25;
window.journeyDashboard.maps = maps;

/** Black or white, whichever reads better on the colour (WCAG relative luminance). */
function textOn(hex) {
  const channel = (i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.179 ? '#000000' : '#ffffff';
}

/** The directly-follows map of one journey type, laid out by dagre, coloured by agency. */
export async function renderProcessMap(main, { context, filters, journeyType }) {
  const type = context.journeyTypes.find((j) => j.id === journeyType);
  if (!type) {
    throw new NotFoundError(journeyType);
  }
  const map = await analytics('directly-follows', filters, journeyType);
  const k = map.scope?.minGroupSize ?? 5;
  const figures = (map.journeyTypes ?? []).find((j) => j.journeyType === journeyType) ?? {};
  const arcs = figures.arcs ?? [];
  const name = journeyTypeName(context, journeyType);
  const title = `${t('mapHeading')}: ${name}`;

  // Activities in the order the catalog lists them, which is roughly the order they happen in.
  const used = new Set(arcs.flatMap((a) => [a.from, a.to]));
  const activities = [
    ...type.activities.filter((a) => used.has(a.code)),
    ...[...used].filter((code) => !type.activities.some((a) => a.code === code)).map((code) => ({ code, name: null, agency: code.split('.')[0] })),
  ];
  const agencies = [...new Set(activities.map((a) => a.agency))];
  const colourOf = new Map(agencies.map((agency, i) => [agency, palette[i % palette.length]]));
  const label = (code) => localName(activityOf(context, journeyType, code)?.name, code);

  const container = h('div', {
    class: 'process-map',
    id: 'process-map',
    role: 'img',
  });
  const zoom = (factor) => {
    const cy = maps.get('process-map');
    if (cy) {
      cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: container.clientWidth / 2, y: container.clientHeight / 2 } });
    }
  };
  const limit = h('select', { id: 'arc-limit', name: 'arcs' },
    arcLimits.filter((n) => n < arcs.length).map((n) => h('option', { value: String(n), selected: n === defaultArcLimit }, t('arcsMostFrequent', { n }))),
    h('option', { value: 'all', selected: arcs.length <= defaultArcLimit }, t('arcsAll', { n: arcs.length })));
  const shownNote = h('p', { class: 'intro', id: 'arcs-shown', 'aria-live': 'polite' });
  const draw = () => {
    const shown = shownArcs(arcs, limit.value === 'all' ? Infinity : Number(limit.value));
    container.setAttribute('aria-label', t('mapAria', { name, nodes: activities.length, edges: shown.length, total: arcs.length }));
    shownNote.textContent = t('arcsShown', { shown: shown.length, total: arcs.length });
    drawMap(container, activities, shown, { label, colourOf });
  };
  limit.addEventListener('change', draw);

  replace(main,
    h('h1', {}, title),
    figures.suppressed ? suppressedNote(k) : null,
    h('p', { class: 'intro' }, t('mapIntro')),
    h('p', { class: 'links' },
      h('a', { href: `/journey-types/${encodeURIComponent(journeyType)}${filterQuery(filters)}` }, t('openJourneyType', { name }))),
    h('ul', { class: 'legend', 'aria-label': t('legend') }, agencies.map((agency) => {
      const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.backgroundColor = colourOf.get(agency);
      return h('li', { dataset: { agency } }, swatch, agencyName(context, agency));
    })),
    arcs.length
      ? [
        h('div', { class: 'map-tools' },
          h('div', { class: 'field' }, h('label', { for: 'arc-limit' }, t('arcsLabel')), limit),
          h('div', { class: 'buttons' },
            h('button', { type: 'button', onclick: () => zoom(1.25) }, t('zoomIn')),
            h('button', { type: 'button', onclick: () => zoom(0.8) }, t('zoomOut')),
            h('button', { type: 'button', onclick: () => maps.get('process-map')?.fit(undefined, 30) }, t('zoomFit')))),
        shownNote,
        container,
      ]
      : h('p', { class: 'message' }, t('noData')),
    h('section', { 'aria-labelledby': 'transitions-heading' },
      h('h2', { id: 'transitions-heading' }, t('transitions')),
      h('details', { class: 'numbers' },
        h('summary', {}, t('showAllTransitions', { n: arcs.length })),
        dataTable({
          name: 'transitions',
          caption: title,
          columns: [
            { label: t('fromActivity') },
            { label: t('toActivity') },
            { label: t('count'), numeric: true },
            { label: t('journeys'), numeric: true },
            { label: t('medianTime'), numeric: true },
          ],
          rows: arcs.map((a) => ({
            key: `${a.from}>${a.to}`,
            suppressed: a.suppressed,
            cells: [
              { text: label(a.from), value: a.from },
              { text: label(a.to), value: a.to },
              a.suppressed ? { text: t('suppressedLong', { k }) } : { text: number(count(a.times?.count)), value: count(a.times?.count) },
              a.suppressed ? { text: t('suppressed') } : { text: number(count(a.journeys)), value: count(a.journeys) },
              a.suppressed ? { text: t('suppressed') } : { text: duration(a.times?.medianSeconds, true), value: a.times?.medianSeconds ?? 0 },
            ],
          })),
        }))));

  if (arcs.length > 0) {
    draw();
  }
  return title;
}

/**
 * The arcs drawn, thinned out as process-mining tools do so that the common paths stay readable: the
 * `limit` most frequent arcs (and those tied with the last of them), and for every activity its most
 * frequent arc in and out, so that no activity is left without a path. Suppressed arcs (count unknown)
 * are drawn only when every arc is.
 */
export function shownArcs(arcs, limit) {
  if (limit >= arcs.length) {
    return arcs;
  }
  const known = arcs.filter((a) => !a.suppressed).sort((a, b) => count(b.times?.count) - count(a.times?.count));
  const threshold = known.length > limit ? count(known[limit - 1].times?.count) : 0;
  const shown = new Set(known.filter((a) => count(a.times?.count) >= threshold));
  const bestOut = new Map();
  const bestIn = new Map();
  for (const arc of known) {
    // known is sorted most frequent first: the first arc seen per activity is its most frequent.
    if (!bestOut.has(arc.from)) {
      bestOut.set(arc.from, arc);
    }
    if (!bestIn.has(arc.to)) {
      bestIn.set(arc.to, arc);
    }
  }
  [...bestOut.values(), ...bestIn.values()].forEach((arc) => shown.add(arc));
  return arcs.filter((a) => shown.has(a));
}

function drawMap(container, activities, arcs, { label, colourOf }) {
  const most = Math.max(1, ...arcs.map((a) => count(a.times?.count)));
  const elements = [
    ...activities.map((a) => ({
      group: 'nodes',
      data: {
        id: a.code,
        label: label(a.code),
        agency: a.agency,
        colour: colourOf.get(a.agency),
        text: textOn(colourOf.get(a.agency)),
      },
    })),
    ...arcs.map((a) => ({
      group: 'edges',
      data: {
        id: `${a.from}>${a.to}`,
        source: a.from,
        target: a.to,
        count: a.suppressed ? null : count(a.times?.count),
        medianSeconds: a.suppressed ? null : a.times?.medianSeconds ?? 0,
        suppressed: a.suppressed === true,
        label: a.suppressed ? t('suppressed') : `${number(count(a.times?.count))} · ${duration(a.times?.medianSeconds)}`,
        // Line width grows with the logarithm of the count, so rare paths stay visible beside common ones.
        width: a.suppressed ? 1.5 : 1.5 + 5 * (Math.log1p(count(a.times?.count)) / Math.log1p(most)),
      },
    })),
  ];
  maps.get('process-map')?.destroy();
  const cy = cytoscape({
    container,
    elements,
    minZoom: 0.2,
    maxZoom: 3,
    style: [
      {
        selector: 'node',
        style: {
          shape: 'round-rectangle',
          width: 190,
          height: 64,
          'background-color': 'data(colour)',
          'border-color': '#1a1a1a',
          'border-width': 1.5,
          label: 'data(label)',
          color: 'data(text)',
          'font-size': 15,
          'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif',
          'text-wrap': 'wrap',
          'text-max-width': 176,
          'text-valign': 'center',
          'text-halign': 'center',
        },
      },
      {
        selector: 'edge',
        style: {
          width: 'data(width)',
          'curve-style': 'bezier',
          'line-color': '#4a4a4a',
          'target-arrow-color': '#4a4a4a',
          'target-arrow-shape': 'triangle',
          'arrow-scale': 1.2,
          label: 'data(label)',
          'font-size': 14,
          color: '#1a1a1a',
          'text-background-color': '#ffffff',
          'text-background-opacity': 0.9,
          'text-background-padding': 2,
          'text-rotation': 'none',
        },
      },
      {
        selector: 'edge[?suppressed]',
        style: { 'line-style': 'dashed', 'line-color': '#8a8a8a', 'target-arrow-color': '#8a8a8a', color: '#4a4a4a' },
      },
    ],
    layout: { name: 'dagre', rankDir: 'TB', nodeSep: 50, rankSep: 70, edgeSep: 14, padding: 20, fit: false },
  });
  // As tall as the laid-out map needs at full width, so labels stay at a readable size rather than
  // being shrunk to fit a fixed box; zooming and the "whole map" button remain for the rest.
  const box = cy.elements().boundingBox();
  const scale = Math.min(1, (container.clientWidth - 40) / Math.max(1, box.w));
  container.style.height = `${Math.round(Math.min(2400, Math.max(400, box.h * scale + 60)))}px`;
  cy.resize();
  cy.fit(undefined, 30);
  maps.set('process-map', cy);
}
