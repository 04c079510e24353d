"""Oversight (issue 9): spot checks with their items, and the catalog's two oversight indexes
(search_service/oversight/sql.py).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from search_service.db import UTCDateTime

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('spot_checks',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('org', sa.String(length=128), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('stratified', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('finished_by', sa.String(length=64), nullable=False),
    sa.Column('finished_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('spot_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_checks_finished_at'), ['finished_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_spot_checks_org'), ['org'], unique=False)

    op.create_table('spot_check_items',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('account_no', sa.String(length=32), nullable=False),
    sa.Column('org', sa.String(length=128), nullable=False),
    sa.Column('item', sa.String(length=32), nullable=False),
    sa.Column('result', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['check_id'], ['spot_checks.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('check_id', 'account_no', 'item')
    )
    with op.batch_alter_table('spot_check_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_items_check_id'), ['check_id'], unique=False)

    op.create_index('ix_documents_account_type_date', 'documents',
                    ['account_no', 'doc_type', 'doc_date'])
    op.create_index('ix_documents_org_type_account', 'documents',
                    ['org', 'doc_type', 'account_no', 'doc_date', 'cataloged_at', 'removed_at'])


def downgrade() -> None:
    op.drop_index('ix_documents_org_type_account', 'documents')
    op.drop_index('ix_documents_account_type_date', 'documents')
    with op.batch_alter_table('spot_check_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_check_items_check_id'))

    op.drop_table('spot_check_items')
    with op.batch_alter_table('spot_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_checks_org'))
        batch_op.drop_index(batch_op.f('ix_spot_checks_finished_at'))

    op.drop_table('spot_checks')
