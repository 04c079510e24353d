"""Issue 20 item 2: the catalog keeps, beside each document's text, where its personal numbers
stand (``documents.numbers``: positions only, no digit; ``masking.numbers_record``), so a
masked snippet needs no search for numbers at read time.

Rows written before this revision have none (``""``): their snippets are masked as before,
by looking for numbers around the window, until the next indexing run fills them in (once:
1,000,000 documents took 9 minutes, every row rewritten; ``catalog_meta`` then says so).

Revision ID: 0010_numbers
Revises: 0009_reqcost
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010_numbers'
down_revision = '0009_reqcost'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.add_column(sa.Column('numbers', sa.Text(), nullable=False, server_default=''))
    # Every row's record is now missing: no earlier fill (before a downgrade) holds any more.
    op.execute("DELETE FROM catalog_meta WHERE key = 'numbers_filled'")


def downgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.drop_column('numbers')
