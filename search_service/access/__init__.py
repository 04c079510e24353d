"""Access: who may read what, and the record that they did.

Accounts, passwords, sessions and tokens (:mod:`.accounts`), roles and the unit tree as the
scope of every read (:mod:`.policy`), masking of personal numbers (:mod:`.masking`), the
hash-chained access log with its checkpoints and group commit (:mod:`.audit`), and one
service instance's access control tying them together (:mod:`.control`).
"""
