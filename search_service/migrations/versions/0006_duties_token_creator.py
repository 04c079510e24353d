"""Branch duties (issue 18 item 7): each bearer token keeps who created it.

Tokens made before this revision were all minted by an administrator over the old
``POST /api/admin/users/{name}/tokens`` or the command line; their creator is taken from the
token's ``token_create`` record in the access log (the record's user), or, when that record
was pruned, marked as unknown. Accounts and roles are kept as they are: the old 系统管理员
(``admin``) keeps managing accounts; roles are set by a 安全管理员 (``secadmin``) made with
``archive-search user add NAME --role secadmin`` after the upgrade.

Revision ID: 0006_duties
Revises: 0005
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0006_duties'
down_revision = '0005'
branch_labels = None
depends_on = None

UNKNOWN_CREATOR = "升级前签发（签发人不明）"


def upgrade() -> None:
    with op.batch_alter_table('api_tokens') as batch:
        batch.add_column(sa.Column('created_by', sa.String(length=64), nullable=False,
                                   server_default=''))
    conn = op.get_bind()
    creators: dict[int, str] = {}
    for user, details in conn.execute(sa.text(
            "SELECT \"user\", details FROM audit_records WHERE action = 'token_create'")):
        try:
            creators[int(json.loads(details)["token_id"])] = user
        except (ValueError, KeyError, TypeError):
            continue
    for (token_id,) in conn.execute(sa.text("SELECT id FROM api_tokens")).all():
        conn.execute(sa.text("UPDATE api_tokens SET created_by = :by WHERE id = :id"),
                     {"by": creators.get(token_id, UNKNOWN_CREATOR)[:64], "id": token_id})


def downgrade() -> None:
    with op.batch_alter_table('api_tokens') as batch:
        batch.drop_column('created_by')
