"""The administrator's page and API (三员分立: the administrator manages accounts only; reading
archives and the access log stays refused by ``search_service/policy.py``)."""
