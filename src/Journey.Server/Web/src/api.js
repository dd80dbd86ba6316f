import { token } from './auth.js';

/** A failed call: status 0 when the server could not be reached. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(`HTTP ${status}`);
    this.status = status;
    this.detail = detail;
  }
}

/** The address names a journey type the catalog does not have. */
export class NotFoundError extends Error {
  constructor(id) {
    super(`No journey type ${id}`);
    this.id = id;
  }
}

// One page shows each answer more than once (and again after a language switch); ask once.
const answers = new Map();

/** GETs a JSON document from the query API with the signed-in person's token. */
export async function getJson(path) {
  if (!answers.has(path)) {
    answers.set(path, fetchJson(path).catch((error) => {
      answers.delete(path);
      throw error;
    }));
  }
  return answers.get(path);
}

async function fetchJson(path) {
  const headers = { Accept: 'application/json' };
  const bearer = token();
  if (bearer) {
    headers.Authorization = `Bearer ${bearer}`;
  }
  let response;
  try {
    response = await fetch(path, { headers, credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError(0);
  }
  if (!response.ok) {
    let detail;
    try {
      detail = await response.json();
    } catch {
      detail = undefined;
    }
    throw new ApiError(response.status, detail);
  }
  return response.json();
}

/** The page's context (catalog names, agencies, Development or not): no figures, no token needed. */
export async function context() {
  const response = await fetch('/dashboard/context.json', { credentials: 'omit' });
  if (!response.ok) {
    throw new ApiError(response.status);
  }
  return response.json();
}

/**
 * One method of the query API (journey.v1.Analytics) as JSON over HTTP: overview, services,
 * opportunities, directly-follows or months, for the page's filters and, optionally, one journey type.
 */
export function analytics(method, filters, journeyType) {
  return getJson(analyticsPath(method, filters, journeyType));
}

export function analyticsPath(method, filters, journeyType) {
  const query = new URLSearchParams();
  if (journeyType) {
    query.set('journeyType', journeyType);
  }
  if (filters.from) {
    query.set('fromMonth', filters.from);
  }
  if (filters.to) {
    query.set('toMonth', filters.to);
  }
  if (filters.agency) {
    query.set('agency', filters.agency);
  }
  const text = query.toString();
  return `/v1/analytics/${method}${text ? `?${text}` : ''}`;
}

/** proto3 JSON writes 64-bit integers as strings; every count goes through here. */
export function count(value) {
  return Number(value ?? 0);
}
