/* Packages at the API: thin handlers over service/packages.h. */
#ifndef CHAIRSIDE_API_PACKAGES_H
#define CHAIRSIDE_API_PACKAGES_H

#include "http/http.h"

int api_packages_list(struct http_req *req, struct http_resp *resp);
int api_packages_create(struct http_req *req, struct http_resp *resp);
int api_packages_get(struct http_req *req, struct http_resp *resp);
int api_packages_update(struct http_req *req, struct http_resp *resp);
int api_packages_archive(struct http_req *req, struct http_resp *resp);
int api_patient_packages_sell(struct http_req *req, struct http_resp *resp);
int api_patient_packages_list(struct http_req *req, struct http_resp *resp);
int api_patient_package_get(struct http_req *req, struct http_resp *resp);
int api_me_packages_buy(struct http_req *req, struct http_resp *resp);
int api_me_packages_list(struct http_req *req, struct http_resp *resp);
int api_invoice_line_book(struct http_req *req, struct http_resp *resp);
int api_invoice_line_unlink(struct http_req *req, struct http_resp *resp);
int api_report_package_liability(struct http_req *req, struct http_resp *resp);

#endif
