/* Visits and attendance at the API. */
#ifndef CHAIRSIDE_API_VISITS_H
#define CHAIRSIDE_API_VISITS_H

#include "http/http.h"

/* {attendance} in the body, checked against service/visits.h's list;
 * a field error otherwise. */
int visits_read_attendance(struct http_req *req, const char **attendance);

int api_bookings_attendance(struct http_req *req, struct http_resp *resp);
int api_appointments_attendance(struct http_req *req, struct http_resp *resp);
int api_appointments_history(struct http_req *req, struct http_resp *resp);
int api_visits_list(struct http_req *req, struct http_resp *resp);
int api_visits_get(struct http_req *req, struct http_resp *resp);
int api_visits_attendance(struct http_req *req, struct http_resp *resp);
int api_visits_payments(struct http_req *req, struct http_resp *resp);
int api_report_attendance(struct http_req *req, struct http_resp *resp);

#endif
