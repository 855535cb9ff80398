// The one message catalogue. Every user-visible string goes through t().
// A locale is a file "<locale>.js" (shared and staff strings; it may export
// `dir = 'rtl'`) plus optional "portal.<locale>.js" (patient portal strings).
// Dropping "ar.js" and "portal.ar.js" here adds Arabic with no other change.
const modules = import.meta.glob('./*.js', { eager: true });

const catalogues = {};
const directions = {};
for (const [path, mod] of Object.entries(modules)) {
  const m = /^\.\/(?:(portal)\.)?([A-Za-z-]+)\.js$/.exec(path);
  if (!m || m[2] === 'index') continue;
  const locale = m[2];
  catalogues[locale] = { ...(catalogues[locale] || {}), ...mod.default };
  if (!m[1] && mod.dir) directions[locale] = mod.dir;
}

const FALLBACK = 'en';
let current = FALLBACK;

function pickLocale() {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl && catalogues[fromUrl]) {
    try {
      localStorage.setItem('chairside.lang', fromUrl);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
    return fromUrl;
  }
  let saved = null;
  try {
    saved = localStorage.getItem('chairside.lang');
  } catch {
    saved = null;
  }
  if (saved && catalogues[saved]) return saved;
  for (const lang of navigator.languages || []) {
    const base = lang.split('-')[0];
    if (catalogues[lang]) return lang;
    if (catalogues[base]) return base;
  }
  return FALLBACK;
}

/** Chooses the locale and sets lang/dir on <html>; call once at start. */
export function initI18n() {
  current = pickLocale();
  document.documentElement.lang = current;
  document.documentElement.dir = directions[current] || 'ltr';
  return current;
}

export function locale() {
  return current;
}

export function locales() {
  return Object.keys(catalogues);
}

/** The string for key in the current locale, with {name} filled from params. */
export function t(key, params) {
  const text = catalogues[current]?.[key] ?? catalogues[FALLBACK]?.[key];
  if (text === undefined) {
    if (import.meta.env.DEV) console.warn('missing message', key);
    return key;
  }
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in params ? String(params[name]) : all));
}

/** How many minor-unit digits a currency has (EUR 2, JPY 0, KWD 3), from Intl. */
export function minorDigits(currency) {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: currency || 'EUR' }).resolvedOptions().maximumFractionDigits;
  } catch {
    return 2;
  }
}

/** Money in minor units of its currency, e.g. 5000 EUR -> "€50.00", 5000 JPY -> "¥5,000". */
export function money(minor, currency) {
  const cur = currency || 'EUR';
  const digits = minorDigits(cur);
  const amount = (Number(minor) || 0) / 10 ** digits;
  try {
    return new Intl.NumberFormat(current, { style: 'currency', currency: cur }).format(amount);
  } catch {
    return amount.toFixed(digits) + ' ' + cur;
  }
}

/** A number in the page's locale (Arabic-Indic digits where the locale uses them). */
export function num(n) {
  return new Intl.NumberFormat(current).format(n);
}

/**
 * A message whose wording depends on a count: the catalogue holds
 * "key.one", "key.other" (and for Arabic "key.zero", "key.two", "key.few",
 * "key.many"), chosen by Intl.PluralRules; {n} is filled in the locale's digits.
 */
export function plural(key, n, params = {}) {
  const cat = new Intl.PluralRules(current).select(n);
  const has = (k) => catalogues[current]?.[k] !== undefined || catalogues[FALLBACK]?.[k] !== undefined;
  const k = has(`${key}.${cat}`) ? `${key}.${cat}` : `${key}.other`;
  return t(k, { ...params, n: num(n) });
}
