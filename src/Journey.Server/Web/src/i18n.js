// Labels in Norwegian bokmål (the default) and English. Names of journey types, services, agencies and
// activities come from the catalog, which carries both languages itself.

const texts = {
  nb: {
    title: 'Journey – ledetider og proaktivt potensial',
    skip: 'Hopp til innholdet',
    language: 'Språk',
    switchTo: 'English',
    switchToLabel: 'Switch to English',
    navOverview: 'Oversikt',
    navProcessMap: 'Prosesskart',
    navJourneyType: 'Tjenester og ledetider',
    navLabel: 'Sider',
    loading: 'Henter tall …',
    filters: 'Utvalg',
    from: 'Fra måned',
    to: 'Til måned',
    agency: 'Etat',
    allAgencies: 'Alle etater',
    apply: 'Vis',
    reset: 'Nullstill',
    periodAll: 'hele perioden',
    filterSummary: 'Viser {period}, {agency}.',
    periodRange: '{from} – {to}',
    periodFrom: 'fra {from}',
    periodTo: 'til {to}',

    signIn: 'Logg inn',
    signOut: 'Logg ut',
    signedIn: 'Innlogget',
    signInTitle: 'Logg inn med et tilgangstoken',
    tokenLabel: 'Tilgangstoken (JWT)',
    tokenHelp: 'Tokenet lagres bare i denne fanen (sessionStorage) og sendes som «Authorization: Bearer» til spørre-API-et.',
    tokenHelpDevelopment: 'Utviklingsserver: lag et token med «journey token --role process-owner» og lim det inn her.',
    cancel: 'Avbryt',
    tokenEmpty: 'Lim inn et token først.',

    needSignIn: 'Logg inn for å se tallene.',
    forbidden: 'Tokenet ditt gir ikke tilgang til tallene. Det krever rollen prosesseier (process-owner).',
    failed: 'Kunne ikke hente tallene (status {status}).',
    invalid: 'Utvalget er ugyldig: {detail}',
    invalidPeriod: 'Til-måneden kan ikke være før fra-måneden.',
    unreachable: 'Fikk ikke kontakt med serveren.',
    notFound: 'Finner ingen reisetype «{id}» i katalogen.',
    noData: 'Ingen fullførte reiser i utvalget.',

    overviewHeading: 'Oversikt over livshendelsene',
    overviewIntro: 'Ende-til-ende ledetid er tiden fra livshendelsen til den siste tjenesten er levert. Tall for grupper med færre enn {k} reiser vises ikke.',
    journeys: 'Reiser',
    medianEndToEnd: 'Median ende-til-ende',
    p90EndToEnd: '90-persentil ende-til-ende',
    proactiveShare: 'Startet proaktivt',
    monthlyTrend: 'Utvikling per måned',
    month: 'Måned',
    median: 'Median',
    p90: '90-persentil',
    openJourneyType: 'Se tjenestene i {name}',
    openProcessMap: 'Se prosesskartet for {name}',
    trendAria: 'Linjediagram: median og 90-persentil for ende-til-ende ledetid per måned, {name}. Tallene står i tabellen under.',
    showNumbers: 'Vis tallene',

    servicesHeading: 'Tid per tjeneste',
    servicesIntro: 'Median per del av tjenesten: tiden innbyggeren venter før hen søker, etatens behandling fram til vedtak, og tiden fra vedtak til levering.',
    service: 'Tjeneste',
    count: 'Antall',
    waitingForCitizen: 'Venter på innbygger',
    agencyProcessing: 'Etatens behandling',
    delivery: 'Levering',
    total: 'Totalt (median)',
    stagesAria: 'Stablet stolpediagram: median dager per del av hver tjeneste i {name}. Tallene står i tabellen under.',

    distributionHeading: 'Fordeling av ende-til-ende ledetid',
    distributionIntro: 'Hvor lang tid det tok før en andel av reisene var fullført: halvparten innen medianen, ni av ti innen 90-persentilen.',
    distributionAria: 'Stolpediagram: ende-til-ende ledetid i dager for den raskeste reisen, persentilene 50, 90, 95 og 99 og den tregeste reisen i {name}. Tallene står i tabellen under.',
    percentile: 'Persentil',
    percentileOf: '{p} % innen',
    fastest: 'Raskeste',
    slowest: 'Tregeste',
    endToEnd: 'Ende-til-ende',
    value: 'Verdi',

    handoversHeading: 'Overleveringstid mellom etater',
    handoversIntro: 'Tiden fra siste hendelse hos én etat til første hendelse hos den neste.',
    fromAgency: 'Fra etat',
    toAgency: 'Til etat',
    handoversAria: 'Stolpediagram: median overleveringstid i dager mellom etater i {name}. Tallene står i tabellen under.',

    opportunitiesHeading: 'Proaktive muligheter',
    opportunitiesIntro: 'Innbyggerdager brukt på å vente med å søke, mens dataene tjenesten trenger allerede var registrert i reisen. Rangert etter dager som kan spares.',
    citizenDays: 'Innbyggerdager som kan spares',
    journeysAffected: 'Berørte reiser',
    medianWait: 'Median venting',
    rank: 'Rang',
    opportunitiesAria: 'Liggende stolpediagram: innbyggerdager som kan spares per tjeneste i {name}. Tallene står i tabellen under.',
    noOpportunities: 'Ingen tjenester der innbyggeren venter på å søke om noe som allerede er kjent.',

    mapHeading: 'Prosesskart',
    mapIntro: 'Direkte-følger-graf: hver pil viser hvor ofte én aktivitet ble fulgt direkte av en annen i samme reise, og median tid mellom dem. Fargen viser etaten.',
    mapAria: 'Prosesskart for {name} med {nodes} aktiviteter og {edges} av {total} overganger, de vanligste. Alle overgangene står i tabellen under.',
    arcsLabel: 'Overganger i kartet',
    arcsMostFrequent: 'De {n} vanligste (og den vanligste inn og ut av hver aktivitet)',
    arcsAll: 'Alle ({n})',
    arcsShown: 'Kartet viser {shown} av {total} overganger.',
    showAllTransitions: 'Vis alle {n} overganger som tabell',
    activity: 'Aktivitet',
    fromActivity: 'Fra aktivitet',
    toActivity: 'Til aktivitet',
    medianTime: 'Median tid',
    legend: 'Etater',
    transitions: 'Overganger',
    activities: 'Aktiviteter',
    zoomIn: 'Zoom inn',
    zoomOut: 'Zoom ut',
    zoomFit: 'Vis hele kartet',

    suppressed: 'skjult',
    suppressedLong: 'Skjult: færre enn {k} reiser',
    suppressedMonths: 'Skjult (færre enn {k} reiser): {months}.',
    days: '{n} d',
    daysLong: '{n} dager',
    daysUnit: 'Dager',
    hours: '{n} t',
    notApplicable: '–',
  },
  en: {
    title: 'Journey – lead times and proactive potential',
    skip: 'Skip to content',
    language: 'Language',
    switchTo: 'Norsk',
    switchToLabel: 'Bytt til norsk',
    navOverview: 'Overview',
    navProcessMap: 'Process map',
    navJourneyType: 'Services and lead times',
    navLabel: 'Pages',
    loading: 'Fetching figures …',
    filters: 'Selection',
    from: 'From month',
    to: 'To month',
    agency: 'Agency',
    allAgencies: 'All agencies',
    apply: 'Show',
    reset: 'Reset',
    periodAll: 'the whole period',
    filterSummary: 'Showing {period}, {agency}.',
    periodRange: '{from} – {to}',
    periodFrom: 'from {from}',
    periodTo: 'until {to}',

    signIn: 'Sign in',
    signOut: 'Sign out',
    signedIn: 'Signed in',
    signInTitle: 'Sign in with an access token',
    tokenLabel: 'Access token (JWT)',
    tokenHelp: 'The token is kept in this tab only (sessionStorage) and sent as "Authorization: Bearer" to the query API.',
    tokenHelpDevelopment: 'Development server: make a token with "journey token --role process-owner" and paste it here.',
    cancel: 'Cancel',
    tokenEmpty: 'Paste a token first.',

    needSignIn: 'Sign in to see the figures.',
    forbidden: 'Your token does not give access to the figures. It needs the process-owner role.',
    failed: 'Could not fetch the figures (status {status}).',
    invalid: 'The selection is not valid: {detail}',
    invalidPeriod: 'The last month cannot be before the first.',
    unreachable: 'Could not reach the server.',
    notFound: 'The catalog has no journey type "{id}".',
    noData: 'No completed journeys in this selection.',

    overviewHeading: 'Overview of the life events',
    overviewIntro: 'End-to-end lead time is the time from the life event until the last service is delivered. Figures for groups with fewer than {k} journeys are not shown.',
    journeys: 'Journeys',
    medianEndToEnd: 'Median end to end',
    p90EndToEnd: '90th percentile end to end',
    proactiveShare: 'Started proactively',
    monthlyTrend: 'Month by month',
    month: 'Month',
    median: 'Median',
    p90: '90th percentile',
    openJourneyType: 'See the services of {name}',
    openProcessMap: 'See the process map of {name}',
    trendAria: 'Line chart: median and 90th percentile of the end-to-end lead time per month, {name}. The figures are in the table below.',
    showNumbers: 'Show the figures',

    servicesHeading: 'Time per service',
    servicesIntro: 'Median of each part of the service: the time the citizen waits before applying, the agency processing until the decision, and the time from decision to delivery.',
    service: 'Service',
    count: 'Count',
    waitingForCitizen: 'Waiting for the citizen',
    agencyProcessing: 'Agency processing',
    delivery: 'Delivery',
    total: 'Total (median)',
    stagesAria: 'Stacked bar chart: median days of each part of every service in {name}. The figures are in the table below.',

    distributionHeading: 'Distribution of end-to-end lead times',
    distributionIntro: 'How long it took until a share of the journeys was complete: half within the median, nine in ten within the 90th percentile.',
    distributionAria: 'Bar chart: end-to-end lead time in days of the fastest journey, the 50th, 90th, 95th and 99th percentiles and the slowest journey in {name}. The figures are in the table below.',
    percentile: 'Percentile',
    percentileOf: '{p} % within',
    fastest: 'Fastest',
    slowest: 'Slowest',
    endToEnd: 'End to end',
    value: 'Value',

    handoversHeading: 'Hand-over time between agencies',
    handoversIntro: 'The time from the last event at one agency to the first event at the next.',
    fromAgency: 'From agency',
    toAgency: 'To agency',
    handoversAria: 'Bar chart: median hand-over time in days between agencies in {name}. The figures are in the table below.',

    opportunitiesHeading: 'Proactive opportunities',
    opportunitiesIntro: 'Citizen-days spent waiting to apply while the data the service needs was already recorded in the journey. Ranked by the days that could be saved.',
    citizenDays: 'Citizen-days that could be saved',
    journeysAffected: 'Journeys affected',
    medianWait: 'Median wait',
    rank: 'Rank',
    opportunitiesAria: 'Horizontal bar chart: citizen-days that could be saved per service in {name}. The figures are in the table below.',
    noOpportunities: 'No service where the citizen waits to apply for something already known.',

    mapHeading: 'Process map',
    mapIntro: 'Directly-follows graph: each arrow shows how often one activity was directly followed by another in the same journey, and the median time between them. The colour shows the agency.',
    mapAria: 'Process map of {name} with {nodes} activities and {edges} of {total} transitions, the most frequent. Every transition is in the table below.',
    arcsLabel: 'Transitions on the map',
    arcsMostFrequent: 'The {n} most frequent (and each activity\'s most frequent in and out)',
    arcsAll: 'All ({n})',
    arcsShown: 'The map shows {shown} of {total} transitions.',
    showAllTransitions: 'Show all {n} transitions as a table',
    activity: 'Activity',
    fromActivity: 'From activity',
    toActivity: 'To activity',
    medianTime: 'Median time',
    legend: 'Agencies',
    transitions: 'Transitions',
    activities: 'Activities',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    zoomFit: 'Show the whole map',

    suppressed: 'suppressed',
    suppressedLong: 'Suppressed: fewer than {k} journeys',
    suppressedMonths: 'Suppressed (fewer than {k} journeys): {months}.',
    days: '{n} d',
    daysLong: '{n} days',
    daysUnit: 'Days',
    hours: '{n} h',
    notApplicable: '–',
  },
};

const storageKey = 'journey.language';

/** The language in use: the one chosen before in this browser, else bokmål. */
export function language() {
  const chosen = localStorage.getItem(storageKey);
  return chosen === 'en' ? 'en' : 'nb';
}

export function setLanguage(lang) {
  localStorage.setItem(storageKey, lang === 'en' ? 'en' : 'nb');
}

/** The label for key in the current language, with {placeholders} filled in. */
export function t(key, values = {}) {
  const text = texts[language()][key] ?? texts.nb[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
}

/** A catalog name ({ nb, en }) in the current language. */
export function localName(name, fallback) {
  if (!name) {
    return fallback;
  }
  return name[language()] ?? name.nb ?? fallback;
}

export const keys = Object.keys(texts.nb);
export const languages = Object.keys(texts);
export { texts };
