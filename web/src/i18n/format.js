// Locale-aware text, numbers and money, with no page state: index.js binds
// them to the page's locale, and the browser tests import them directly.

const digitSets = new Map();

/** "0123456789" in a locale's digits (Arabic-Indic for "ar"). */
function digitSet(locale) {
  if (!digitSets.has(locale)) {
    const f = new Intl.NumberFormat(locale, { useGrouping: false });
    digitSets.set(locale, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => f.format(d)).join(''));
  }
  return digitSets.get(locale);
}

/** text with its ASCII digits written in the locale's digits. */
export function digitsIn(locale, text) {
  const d = digitSet(locale);
  if (d === '0123456789') return String(text);
  return String(text).replace(/[0-9]/g, (c) => d[+c]);
}

// Numbers, and strings that are only digits and separators (times, dates,
// ranges, invoice numbers), are shown in the locale's digits; names,
// e-mails and other text are left alone.
const NUMERIC = /^[0-9:.,\-–\s]+$/;
function show(locale, value) {
  if (typeof value === 'number') return new Intl.NumberFormat(locale, { useGrouping: false, maximumFractionDigits: 2 }).format(value);
  return typeof value === 'string' && NUMERIC.test(value) ? digitsIn(locale, value) : String(value);
}

/**
 * The message for key from catalogues[lang] (else catalogues[fallback]),
 * with {name} placeholders filled from params and shown for Intl locale
 * (e.g. lang "ar", locale "ar-SA"); undefined when there is none.
 * With a numeric params.n, the plural form Intl.PluralRules gives for n
 * ("key.zero" "key.one" "key.two" "key.few" "key.many" "key.other") wins.
 */
export function message(catalogues, fallback, lang, locale, key, params) {
  let text;
  const own = catalogues[lang] || {};
  const base = catalogues[fallback] || {};
  if (params && typeof params.n === 'number') {
    text = own[`${key}.${new Intl.PluralRules(locale).select(params.n)}`] ?? own[`${key}.other`];
    if (text === undefined && own[key] === undefined) {
      text = base[`${key}.${new Intl.PluralRules(fallback).select(params.n)}`] ?? base[`${key}.other`];
    }
  }
  if (text === undefined) text = own[key] ?? base[key];
  if (text === undefined || !params) return text;
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in params ? show(locale, params[name]) : all));
}

/** How many minor-unit digits a currency has (EUR 2, JPY 0, KWD 3), from Intl. */
export function minorDigits(currency) {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: currency || 'EUR' }).resolvedOptions().maximumFractionDigits;
  } catch {
    return 2;
  }
}

/** An amount in minor units of currency, formatted for locale. */
export function formatMoney(locale, minor, currency) {
  const cur = currency || 'EUR';
  const places = minorDigits(cur);
  const amount = (Number(minor) || 0) / 10 ** places;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: cur }).format(amount);
  } catch {
    return amount.toFixed(places) + ' ' + cur;
  }
}
