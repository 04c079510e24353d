"""Access: who may read what, and the record that they did.

Accounts, passwords, lockout, sessions and tokens (:mod:`.accounts`), roles and the unit tree
(:mod:`.policy`) deciding each user's scope (:mod:`.scope`), masking of personal numbers
(:mod:`.masking`) and the lookup rule for them (:mod:`.lookups`), the hash-chained access log
with its labels, checkpoints and group commit (:mod:`.audit`) and the auditor's alerts over
it (:mod:`.alerts`), caches every process can invalidate (:mod:`.cache_versions`), and one
service instance's access control tying them together (:mod:`.control`). The gateways that
apply all of it to each read are :mod:`search_service.reading`.
"""
