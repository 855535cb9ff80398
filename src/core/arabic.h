/* Dates and times written for Arabic readers, as the patient's e-mails
 * show them: Gregorian month names as used in the Gulf (ar-SA style) and
 * Arabic-Indic digits (U+0660..U+0669). Pure: no I/O, no locale. */
#ifndef CHAIRSIDE_CORE_ARABIC_H
#define CHAIRSIDE_CORE_ARABIC_H

#include <stddef.h>
#include <stdint.h>

/* Room for "٣١ أكتوبر ٩٩٩٩" and the like, with the NUL. */
#define AR_DATE_LEN 64
/* "٢٣:٥٩" is five two-byte characters. */
#define AR_HHMM_LEN 16

/* Day number (days since 1970-01-01) as "<day> <month> <year>", e.g.
 * "١ ديسمبر ٢٠٢٦". */
void ar_format_date(int64_t days, char out[AR_DATE_LEN]);
/* Minutes since midnight as 24-hour "HH:MM" in Arabic-Indic digits. */
void ar_format_hhmm(int minutes, char out[AR_HHMM_LEN]);
/* Copies s to out (size bytes) with each ASCII digit written as its
 * Arabic-Indic digit; always NUL-terminated, never cut inside a digit. */
void ar_digits(const char *s, char *out, size_t size);

#endif
