/* Logins for patients and staff, API tokens and the audit log. */
#ifndef CHAIRSIDE_API_ACCOUNTS_H
#define CHAIRSIDE_API_ACCOUNTS_H

#include "http/http.h"

int api_patient_account(struct http_req *req, struct http_resp *resp);
int api_patient_merge(struct http_req *req, struct http_resp *resp);
int api_tokens_create(struct http_req *req, struct http_resp *resp);
int api_tokens_list(struct http_req *req, struct http_resp *resp);
int api_tokens_revoke(struct http_req *req, struct http_resp *resp);
int api_audit_list(struct http_req *req, struct http_resp *resp);
int api_users_list(struct http_req *req, struct http_resp *resp);
int api_users_create(struct http_req *req, struct http_resp *resp);
int api_users_disable(struct http_req *req, struct http_resp *resp);
int api_users_enable(struct http_req *req, struct http_resp *resp);

#endif
