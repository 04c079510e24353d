"""The OCR lines of scanned pages (issue 21 item 11: the first masked scan page within 1 s):
``page_lines`` keeps each scanned page's recognised lines by file content and page, written
by the indexer and, for pages it has none of, by the first viewer. Catalogs made before
this revision start empty: their pages are recognised once on first view, then kept.

Revision ID: 0007_firstpage
Revises: 0006_duties
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007_firstpage'
down_revision = '0006_duties'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('page_lines',
                    sa.Column('sha256', sa.String(length=64), nullable=False),
                    sa.Column('page', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('width', sa.Integer(), nullable=False),
                    sa.Column('height', sa.Integer(), nullable=False),
                    sa.Column('lines', sa.Text(), nullable=False),
                    sa.PrimaryKeyConstraint('sha256', 'page'))


def downgrade() -> None:
    op.drop_table('page_lines')
