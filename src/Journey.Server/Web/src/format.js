import { language, t } from './i18n.js';

const secondsPerDay = 86_400;

function locale() {
  return language() === 'en' ? 'en-GB' : 'nb-NO';
}

/** Seconds as days, rounded to one decimal: what charts plot and tables show. */
export function toDays(seconds) {
  return Math.round((seconds / secondsPerDay) * 10) / 10;
}

export function number(value, digits = 0) {
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** A duration for people: "12,5 d" (or "3,2 t" below a day, where days would read as zero). */
export function duration(seconds, long = false) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) {
    return t('notApplicable');
  }
  if (seconds > 0 && seconds < secondsPerDay) {
    return t('hours', { n: number(seconds / 3600, 1) });
  }
  return t(long ? 'daysLong' : 'days', { n: number(seconds / secondsPerDay, 1) });
}

export function percent(share) {
  if (share === null || share === undefined || Number.isNaN(share)) {
    return t('notApplicable');
  }
  return new Intl.NumberFormat(locale(), { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(share);
}

/** "2026-03" as "mars 2026" / "March 2026". */
export function monthName(month, short = false) {
  const [year, m] = month.split('-').map(Number);
  if (!year || !m) {
    return month;
  }
  return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: short ? 'short' : 'long', timeZone: 'UTC' })
    .format(new Date(Date.UTC(year, m - 1, 1)));
}
