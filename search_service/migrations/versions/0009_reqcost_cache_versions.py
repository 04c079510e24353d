"""Branch reqcost (issue 20 item 2): version counters for what server processes keep in
memory (search_service/access/cache_versions.py), seeded with the loan grants' counter.

Revision ID: 0009_reqcost
Revises: 0008_loan
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009_reqcost'
down_revision = '0008_loan'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table('cache_versions',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.bulk_insert(table, [{'name': 'grants', 'version': 0}])


def downgrade() -> None:
    op.drop_table('cache_versions')
