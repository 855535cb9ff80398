// The one message catalogue. Every user-visible string goes through t().
// A locale is a file "<locale>.js" (shared and staff strings; it may export
// `dir = 'rtl'`) plus optional "portal.<locale>.js" (patient portal strings).
// Dropping "ar.js" and "portal.ar.js" here adds Arabic with no other change.
import { message, digitsIn, minorDigits, formatMoney } from './format.js';

const modules = import.meta.glob(['./*.js', '!./index.js', '!./format.js'], { eager: true });

const catalogues = {};
const directions = {};
for (const [path, mod] of Object.entries(modules)) {
  const m = /^\.\/(?:(portal)\.)?([A-Za-z-]+)\.js$/.exec(path);
  if (!m || !mod.default) continue;
  const locale = m[2];
  catalogues[locale] = { ...(catalogues[locale] || {}), ...mod.default };
  if (!m[1] && mod.dir) directions[locale] = mod.dir;
}

const FALLBACK = 'en';
// lang: the catalogue in use ("ar"); tag: the locale numbers, dates and
// money are formatted for ("ar-SA" when the browser or the address says
// so: Saudi Arabia writes Arabic-Indic digits, bare "ar" Latin ones).
let lang = FALLBACK;
let current = FALLBACK;

function catalogueFor(tag) {
  if (!tag) return null;
  if (catalogues[tag]) return tag;
  const base = tag.split('-')[0];
  return catalogues[base] ? base : null;
}

function pickLocale() {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl && catalogueFor(fromUrl)) {
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
  if (saved && catalogueFor(saved)) return saved;
  for (const l of navigator.languages || []) {
    const c = catalogueFor(l);
    if (c) return c === FALLBACK ? FALLBACK : l;
  }
  return FALLBACK;
}

/**
 * With a bare language ("ar"), the browser's own region of it ("ar-SA")
 * formats numbers and dates. English stays "en" as it always was.
 */
function regional(tag) {
  if (tag.includes('-') || tag === FALLBACK) return tag;
  const own = (navigator.languages || []).find((l) => l.split('-')[0] === tag && l.includes('-'));
  return own || tag;
}

/** Chooses the locale and sets lang/dir on <html>; call once at start. */
export function initI18n() {
  const tag = pickLocale();
  lang = catalogueFor(tag) || FALLBACK;
  let plain = lang;
  try {
    plain = Intl.getCanonicalLocales(regional(tag))[0];
    // Dates stay Gregorian ("ar-SA" alone would format them in the Hijri calendar).
    current = new Intl.Locale(plain, { calendar: 'gregory' }).toString();
  } catch {
    current = plain;
  }
  document.documentElement.lang = plain;
  document.documentElement.dir = directions[lang] || 'ltr';
  return current;
}

/** The locale tag for Intl (dates, numbers, money), e.g. "ar-SA". */
export function locale() {
  return current;
}

/** The catalogue's language, e.g. "ar". */
export function language() {
  return lang;
}

export function locales() {
  return Object.keys(catalogues);
}

/** Switches the page to another locale (remembered) and reloads it. */
export function setLocale(lang) {
  try {
    localStorage.setItem('chairside.lang', lang);
  } catch {
    /* private mode: the address carries it */
  }
  const url = new URL(location.href);
  url.searchParams.set('lang', lang);
  location.assign(url.toString());
}

/** A locale's name in its own language, e.g. "العربية". */
export function localeName(lang) {
  try {
    return new Intl.DisplayNames([lang], { type: 'language' }).of(lang) || lang;
  } catch {
    return lang;
  }
}

/** A string's ASCII digits in the locale's own (times "09:30", numbers), the rest as it is. */
export function digits(text) {
  return digitsIn(current, text);
}

/**
 * The string for key in the current locale, with {name} filled from params.
 * When params.n is a number and the catalogue holds plural forms
 * ("key.one", "key.two", "key.few", "key.many", "key.zero", "key.other"),
 * Intl.PluralRules picks the form (see format.js).
 */
export function t(key, params) {
  const text = message(catalogues, FALLBACK, lang, current, key, params);
  if (text === undefined) {
    if (import.meta.env.DEV) console.warn('missing message', key);
    return key;
  }
  return text;
}

export { minorDigits };

/** Money in minor units of its currency, e.g. 5000 EUR -> "€50.00", 5000 JPY -> "¥5,000". */
export function money(minor, currency) {
  return formatMoney(current, minor, currency);
}

/** A number in the page's locale (Arabic-Indic digits where the locale uses them). */
export function num(n) {
  return new Intl.NumberFormat(current).format(n);
}
