"""Loans without an existence oracle (issue 18 item 9): a request naming items of several
units (or items not found) is split into one loan per unit; each split loan keeps the number
of the request's first loan (``loans.request_no``) so the requester sees one request.

Loans made before this revision were each a request of their own (``request_no`` empty).

Revision ID: 0008_loan
Revises: 0007_firstpage
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008_loan'
down_revision = '0007_firstpage'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('loans') as batch:
        batch.add_column(sa.Column('request_no', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_loans_request_no'), ['request_no'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('loans') as batch:
        batch.drop_index(batch.f('ix_loans_request_no'))
        batch.drop_column('request_no')
