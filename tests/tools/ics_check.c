/* ics_check: libical's own judgement of iCalendar objects, for the tests.
 *
 *   ics_check [--method METHOD|none] FILE...
 *
 * Each FILE must hold one VCALENDAR that libical parses without an error,
 * with VERSION:2.0, PRODID and at least one component (RFC 5545 3.4 and
 * 3.6), that passes libical's iTIP restriction check (RFC 5546, through
 * icalrestriction_check()) for its METHOD, or for none, and, with
 * --method, whose METHOD is the one given ("none": no METHOD). Prints one
 * line per problem, "FILE: what", and exits 0 when there was none, 1 when
 * there was, 2 when a file could not be read. */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ICS_CHECK_MAX (8 * 1024 * 1024)

static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *data;
    size_t n;

    if (!f)
        return NULL;
    data = malloc(ICS_CHECK_MAX + 1);
    n = data ? fread(data, 1, ICS_CHECK_MAX, f) : 0;
    if (data)
        data[n] = '\0';
    fclose(f);
    return data;
}

/* Reports every X-LIC-ERROR libical attached to c or below it (parse
 * errors and failed restrictions alike). */
static int
report_errors(const char *path, icalcomponent *c)
{
    icalproperty *p;
    icalcomponent *sub;
    int n = 0;

    for (p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
        icalparameter *type = icalproperty_get_first_parameter(p, ICAL_XLICERRORTYPE_PARAMETER);

        printf("%s: %s: %s: %s\n", path, icalcomponent_kind_to_string(icalcomponent_isa(c)),
               type ? icalparameter_enum_to_string(icalparameter_get_xlicerrortype(type)) : "?",
               icalproperty_get_xlicerror(p));
        n++;
    }
    for (sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); sub;
         sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        n += report_errors(path, sub);
    return n;
}

static int
problem(const char *path, const char *what)
{
    printf("%s: %s\n", path, what);
    return 1;
}

static int
check_one(const char *path, const char *want_method)
{
    char *text = read_file(path);
    icalcomponent *cal;
    icalproperty *m, *v;
    int n = 0, ok, errors;

    if (!text) {
        printf("%s: cannot read it\n", path);
        return -1;
    }
    cal = icalparser_parse_string(text);
    free(text);
    if (!cal)
        return problem(path, "libical cannot parse it");
    if (icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
        icalcomponent_free(cal);
        return problem(path, "it is not one VCALENDAR");
    }
    v = icalcomponent_get_first_property(cal, ICAL_VERSION_PROPERTY);
    if (!v || strcmp(icalproperty_get_version(v), "2.0") != 0)
        n += problem(path, "VERSION:2.0 is missing");
    if (!icalcomponent_get_first_property(cal, ICAL_PRODID_PROPERTY))
        n += problem(path, "PRODID is missing");
    if (icalcomponent_count_components(cal, ICAL_ANY_COMPONENT) == 0)
        n += problem(path, "it holds no component (RFC 5545 wants one at least)");
    m = icalcomponent_get_first_property(cal, ICAL_METHOD_PROPERTY);
    if (want_method) {
        const char *have = m ? icalproperty_method_to_string(icalproperty_get_method(m)) : "none";

        if (strcasecmp(have, want_method) != 0) {
            printf("%s: METHOD is %s, not %s\n", path, have, want_method);
            n++;
        }
    }
    ok = icalrestriction_check(cal);
    errors = report_errors(path, cal);
    n += errors;
    if (!ok && errors == 0)
        n += problem(path, "icalrestriction_check() failed");
    icalcomponent_free(cal);
    return n;
}

int
main(int argc, char **argv)
{
    const char *method = NULL;
    int i = 1, bad = 0, unreadable = 0;

    if (argc > 2 && strcmp(argv[1], "--method") == 0) {
        method = argv[2];
        i = 3;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: ics_check [--method METHOD|none] FILE...\n");
        return 2;
    }
    for (; i < argc; i++) {
        int n = check_one(argv[i], method);

        if (n < 0)
            unreadable = 1;
        else
            bad += n;
    }
    return unreadable ? 2 : bad ? 1 : 0;
}
